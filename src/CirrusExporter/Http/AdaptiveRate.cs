using System.Diagnostics.CodeAnalysis;
using System.Net;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Options;
using Polly;

namespace CirrusExporter.Http;

/// <summary>
/// The one gate every attempt passes: at most <c>Cirrus:Http:MaxConcurrency</c> in flight, spaced evenly at
/// <see cref="Current"/> requests per second. The rate adapts to a limit the vendor does not publish (AIMD): it starts
/// at <c>Cirrus:Http:RateLimitPerSecond</c>, a 429 halves it, and every <c>RateIncreaseInterval</c> without one adds
/// <c>RateIncreaseStep</c> back, up to the configured ceiling. A Retry-After on 429 or 503 holds every attempt until it
/// has passed. Attempts that wait go lowest rank first, then in order of arrival: the paging collectors' calls before
/// the detail collectors' (their refresh's <see cref="RefreshContext.Rank"/>), so when demand exceeds the rate or the
/// concurrency it is the detail that runs late. One gate for both, since a place in flight held by a waiting detail
/// call would hold the paging calls back as surely as a turn.
/// </summary>
/// <remarks>
/// A 429 to an attempt sent no later than the last decrease does not decrease again: it was sent at the old rate, and
/// the attempts in flight when the limit is hit would otherwise cut the rate to the floor at once. A wait that is
/// cancelled (its refresh's deadline passed) takes no turn: turns nobody takes would otherwise pile up while demand
/// exceeds the rate, and every later attempt would wait behind them long after the rate has recovered.
/// </remarks>
public sealed class AdaptiveRate
{
    /// <summary>
    /// The rate is never cut below one request per second, so a throttling storm still gets trial calls through.
    /// </summary>
    public const double Floor = 1;

    private const double Decrease = 0.5;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SelfMetrics _metrics;
    private readonly double _ceiling;
    private readonly long _increaseEvery;
    private readonly double _step;
    private readonly TimeSpan _maxRetryAfter;
    private readonly int _maxInFlight;
    private readonly PriorityQueue<TaskCompletionSource<long>, (int Rank, long Arrival)> _waiting = new();
    private readonly ITimer _turn;
    private long _arrivals;
    private int _inFlight;
    private double _rate;
    private long _next;
    private long _lastChange;
    private long _lastDecrease = long.MinValue;

    public AdaptiveRate(IOptions<CirrusOptions> options, TimeProvider time, SelfMetrics metrics)
    {
        var http = options.Value.Http;
        _time = time;
        _metrics = metrics;
        _ceiling = _rate = http.RateLimitPerSecond;
        _increaseEvery = Ticks(http.RateIncreaseInterval);
        _step = http.RateIncreaseStep;
        _maxRetryAfter = http.MaxRetryAfter;
        _maxInFlight = http.MaxConcurrency;
        _next = _lastChange = time.GetTimestamp();
        _turn = time.CreateTimer(_ => GiveTurns(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Enabled) metrics.SetRequestRate(_rate);
    }

    /// <summary>
    /// False when <c>Cirrus:Http:RateLimitPerSecond</c> is 0: no rate limit, nothing to adapt (the concurrency cap
    /// stays).
    /// </summary>
    public bool Enabled => _ceiling > 0;

    /// <summary>Requests per second allowed now.</summary>
    public double Current
    {
        get
        {
            lock (_gate)
            {
                Increase(_time.GetTimestamp());
                return _rate;
            }
        }
    }

    /// <summary>
    /// Waits for this attempt's turn and place in flight; returns when it was sent, for <see cref="Observe"/>, which
    /// must follow once it is answered.
    /// </summary>
    /// <param name="rank">Among waiting attempts, lower ranks go first.</param>
    public async ValueTask<long> AcquireAsync(int rank, CancellationToken cancellationToken)
    {
        TaskCompletionSource<long> turn;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Increase(now);
            while (_waiting.TryPeek(out var first, out _) && first.Task.IsCompleted) _waiting.Dequeue();
            if (_waiting.Count == 0 && _inFlight < _maxInFlight && _next <= now)
            {
                _inFlight++;
                _next = now + Spacing;
                return now;
            }
            turn = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn, (rank, _arrivals++));
            Arm(now);
        }
        using (cancellationToken.Register(static t => ((TaskCompletionSource<long>)t!).TrySetCanceled(), turn))
            return await turn.Task;
    }

    /// <summary>Frees the attempt's place in flight and takes its answer (null: none came).</summary>
    /// <param name="sentAt">What <see cref="AcquireAsync"/> returned for it.</param>
    public void Observe(long sentAt, HttpResponseMessage? response)
    {
        var status = response?.StatusCode;
        var wait = status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && Enabled
            ? CirrusHttpSetup.RetryAfter(response!, _maxRetryAfter, _time)
            : null;
        lock (_gate)
        {
            _inFlight--;
            var now = _time.GetTimestamp();
            if (wait is { } w) _next = Math.Max(_next, now + Ticks(w));
            if (Enabled && status == HttpStatusCode.TooManyRequests && sentAt > _lastDecrease)
            {
                _rate = Math.Max(Floor, _rate * Decrease);
                _lastDecrease = _lastChange = now;
                _metrics.SetRequestRate(_rate);
            }
            GiveTurns(now);
        }
    }

    private void GiveTurns()
    {
        lock (_gate) GiveTurns(_time.GetTimestamp());
    }

    /// <summary>
    /// Hands the turns that are due to the waiting attempts, best first, and sets the timer for the next.
    /// </summary>
    private void GiveTurns(long now)
    {
        Increase(now);
        // A timer that fired late catches up by one turn, not by a burst.
        _next = Math.Max(_next, now - Spacing);
        while (_next <= now && _inFlight < _maxInFlight && _waiting.TryDequeue(out var turn, out _))
        {
            // A cancelled wait takes no turn.
            if (!turn.TrySetResult(_next)) continue;
            _inFlight++;
            _next += Spacing;
        }
        // With every place taken, the next answer gives the next turn.
        if (_waiting.Count > 0 && _inFlight < _maxInFlight) Arm(now);
    }

    private void Arm(long now) =>
        _turn.Change(TimeSpan.FromSeconds((double)Math.Max(0, _next - now) / _time.TimestampFrequency),
            Timeout.InfiniteTimeSpan);

    /// <summary>Ticks between two turns: none without a rate limit.</summary>
    private long Spacing => Enabled ? (long)(_time.TimestampFrequency / _rate) : 0;

    /// <summary>One step for every whole quiet interval since the last change.</summary>
    private void Increase(long now)
    {
        if (_rate >= _ceiling)
        {
            _lastChange = now;
            return;
        }
        var intervals = (now - _lastChange) / _increaseEvery;
        if (intervals <= 0) return;
        _rate = Math.Min(_ceiling, _rate + intervals * _step);
        _lastChange += intervals * _increaseEvery;
        _metrics.SetRequestRate(_rate);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}

/// <summary>
/// The pipeline step that lets attempts through <see cref="AdaptiveRate"/> and reports their answers to it.
/// </summary>
internal sealed class AdaptiveRateStrategy(AdaptiveRate rate) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context,
        TState state)
    {
        long sentAt;
        try
        {
            sentAt = await rate.AcquireAsync(RefreshContext.Current?.Rank ?? 0, context.CancellationToken);
        }
        catch (OperationCanceledException e)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }
        Outcome<HttpResponseMessage>? outcome = null;
        try
        {
            outcome = await callback(context, state);
            return outcome.Value;
        }
        finally
        {
            rate.Observe(sentAt, outcome?.Result);
        }
    }

    /// <summary>Adds the step to <paramref name="pipeline"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "The options validated are Options below, which has no validation attributes of its own "
            + "to keep.")]
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddTo(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, AdaptiveRate rate) =>
        pipeline.AddStrategy(_ => new AdaptiveRateStrategy(rate), new Options());

    /// <summary>The step has no options of its own; the pipeline builder asks for an instance.</summary>
    private sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "adaptive-rate";
    }
}
