using System.Diagnostics.CodeAnalysis;
using System.Net;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Options;
using Polly;

namespace CirrusExporter.Http;

/// <summary>
/// The request rate across all collectors, adapted to a limit the vendor does not publish (AIMD): attempts are spaced
/// evenly at <see cref="Current"/> requests per second, starting at <c>Cirrus:Http:RateLimitPerSecond</c>; a 429 halves
/// the rate, and every <c>RateIncreaseInterval</c> without one adds <c>RateIncreaseStep</c> back, up to the configured
/// ceiling. A Retry-After on 429 or 503 holds every attempt until it has passed.
/// </summary>
/// <remarks>
/// A 429 to an attempt sent no later than the last decrease does not decrease again: it was sent at the old rate, and the
/// attempts in flight when the limit is hit would otherwise cut the rate to the floor at once. A wait that is cancelled (its
/// refresh's deadline passed) gives its turn back to the next attempt: turns nobody takes would otherwise pile up while
/// demand exceeds the rate, and every later attempt would wait behind them long after the rate has recovered.
/// </remarks>
public sealed class AdaptiveRate
{
    /// <summary>The rate is never cut below one request per second, so a throttling storm still gets trial calls through.</summary>
    public const double Floor = 1;

    private const double Decrease = 0.5;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SelfMetrics _metrics;
    private readonly double _ceiling;
    private readonly long _increaseEvery;
    private readonly double _step;
    private readonly TimeSpan _maxRetryAfter;
    private double _rate;
    private long _next;
    private long _lastChange;
    private long _lastDecrease = long.MinValue;
    private readonly PriorityQueue<long, long> _givenBack = new();

    public AdaptiveRate(IOptions<CirrusOptions> options, TimeProvider time, SelfMetrics metrics)
    {
        var http = options.Value.Http;
        _time = time;
        _metrics = metrics;
        _ceiling = _rate = http.RateLimitPerSecond;
        _increaseEvery = Ticks(http.RateIncreaseInterval);
        _step = http.RateIncreaseStep;
        _maxRetryAfter = http.MaxRetryAfter;
        _next = _lastChange = time.GetTimestamp();
        if (Enabled) metrics.SetRequestRate(_rate);
    }

    /// <summary>False when <c>Cirrus:Http:RateLimitPerSecond</c> is 0: no limit, nothing to adapt.</summary>
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

    /// <summary>Waits for this attempt's turn; returns when it was sent, for <see cref="Observe"/>.</summary>
    public async ValueTask<long> AcquireAsync(CancellationToken cancellationToken)
    {
        long now, slot;
        lock (_gate)
        {
            now = _time.GetTimestamp();
            Increase(now);
            while (_givenBack.TryPeek(out var past, out _) && past < now) _givenBack.Dequeue();
            if (!_givenBack.TryDequeue(out slot, out _))
            {
                slot = Math.Max(_next, now);
                _next = slot + (long)(_time.TimestampFrequency / _rate);
            }
        }
        if (slot <= now) return slot;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds((double)(slot - now) / _time.TimestampFrequency), _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate) _givenBack.Enqueue(slot, slot);
            throw;
        }
        return slot;
    }

    /// <summary>Takes the answer to an attempt sent at <paramref name="sentAt"/>.</summary>
    public void Observe(long sentAt, HttpResponseMessage? response)
    {
        if (response?.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)) return;
        var wait = CirrusHttpSetup.RetryAfter(response, _maxRetryAfter, _time);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (wait is { } w) _next = Math.Max(_next, now + Ticks(w));
            if (response.StatusCode != HttpStatusCode.TooManyRequests || sentAt <= _lastDecrease) return;
            _rate = Math.Max(Floor, _rate * Decrease);
            _lastDecrease = _lastChange = now;
            _metrics.SetRequestRate(_rate);
        }
    }

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

/// <summary>The pipeline step that spaces attempts by <see cref="AdaptiveRate"/> and reports their answers to it.</summary>
internal sealed class AdaptiveRateStrategy(AdaptiveRate rate) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        long sentAt;
        try
        {
            sentAt = await rate.AcquireAsync(context.CancellationToken);
        }
        catch (OperationCanceledException e)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }
        var outcome = await callback(context, state);
        rate.Observe(sentAt, outcome.Result);
        return outcome;
    }

    /// <summary>Adds the step to <paramref name="pipeline"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options validated are Options below, which has no validation attributes of its own to keep.")]
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddTo(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, AdaptiveRate rate) =>
        pipeline.AddStrategy(_ => new AdaptiveRateStrategy(rate), new Options());

    /// <summary>The step has no options of its own; the pipeline builder asks for an instance.</summary>
    private sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "adaptive-rate";
    }
}
