using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors;

/// <summary>
/// Runs one refresh of a collector within its deadline, logs the outcome and publishes it. Never throws:
/// whatever the API does, the failure stays inside this collector's state.
/// </summary>
public sealed partial class CollectorRunner(
    IEnumerable<ICollector> collectors,
    IOptions<CirrusOptions> options,
    SnapshotStore store,
    SelfMetrics metrics,
    TimeProvider time,
    ILogger<CollectorRunner> logger)
{
    private readonly List<ICollector> _all = collectors.ToList();

    /// <summary>Enabled collectors now, the stream source first: it decides which streams the others call.</summary>
    public IReadOnlyList<ICollector> Enabled =>
        _all.Where(c => c.Descriptor.Options(options.Value.Collectors).Enabled)
            .OrderBy(c => c.Descriptor.Role == CollectorRole.StreamSource ? 0 : 1).ToList();

    /// <summary>The collector's options, through its descriptor.</summary>
    public CollectorOptions OptionsOf(ICollector collector) => collector.Descriptor.Options(options.Value.Collectors);

    /// <summary>One refresh of every enabled collector, in order (used by --once); true when all succeeded.</summary>
    public async Task<bool> RefreshAllOnceAsync(CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var collector in Enabled) ok &= await RefreshAsync(collector, cancellationToken);
        return ok;
    }

    /// <summary>Refreshes the named collector once.</summary>
    public Task<bool> RefreshAsync(string name, CancellationToken cancellationToken) =>
        RefreshAsync(Enabled.Single(c => c.Name == name), cancellationToken);

    /// <param name="interval">The collector's effective interval, when the scheduler stretched it.</param>
    /// <returns>true when the refresh succeeded completely.</returns>
    public async Task<bool> RefreshAsync(ICollector collector, CancellationToken stopping, TimeSpan? interval = null)
    {
        // Unless set, the deadline follows the interval the scheduler stretched: a longer refresh is what the stretch
        // plans for.
        var deadlineAfter = OptionsOf(collector).DeadlineAt(interval ?? OptionsOf(collector).Interval);
        var started = time.GetUtcNow();
        var startTicks = time.GetTimestamp();
        var context = RefreshContext.Begin(deadlineAfter, IntervalPlanner.Rank(collector.Descriptor.Priority));
        using var deadline = new CancellationTokenSource(deadlineAfter, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        RefreshResult? result = null;
        string? error = null;
        try
        {
            result = await collector.CollectAsync(store.Current, linked.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            error = FailureDescription.Of(e, collector.Name, deadlineAfter);
        }
        finally
        {
            RefreshContext.End();
        }

        var duration = time.GetElapsedTime(startTicks);
        if (context.AuthFailures > 0)
            LogTokenRejected(collector.Name, context.AuthFailures);

        foreach (var (reason, (count, first)) in context.Ignored)
        {
            metrics.ObserveRowsIgnored(collector.Name, reason, count);
            LogRowsIgnored(collector.Name, count, reason, UpstreamText.Safe(first));
        }

        var complete = result is { FailedTargets: 0, Problem: null };
        if (result is { FailedTargets: > 0 })
            error = $"{result.FailedTargets} stream call(s) failed, first: {result.FirstError}";
        if (result?.Problem is { } problem)
            error = error is null ? problem : $"{problem}; {error}";
        if (!complete && context.Throttled > 0)
        {
            error += $"; throttled: the API answered HTTP 429 to {context.Throttled} attempt(s), "
                + "lower Cirrus:Http:RateLimitPerSecond or lengthen the intervals";
        }
        ReportOutcome(collector.Name, complete ? null : error!, context.Retries, duration.TotalSeconds);

        var before = store.Current.Catalogue.DroppedStreams;
        var published = await store.PublishAsync(collector.Name, state => state with
        {
            Data = result?.Data ?? state.Data,
            DataTime = result is null ? state.DataTime : started,
            LastSuccess = complete ? started : state.LastSuccess,
            LastAttempt = started,
            LastDuration = duration,
            LastSucceeded = complete,
            LastError = error,
        });
        var dropped = published.Catalogue.DroppedStreams;
        metrics.SetStreamsDropped(dropped);
        if (dropped != before) LogStreamsDropped(dropped, published.Catalogue.Streams.Count);
        return complete;
    }

    /// <summary>Failing collectors by root cause: the failure with the collector's own name taken out.</summary>
    private readonly Dictionary<string, HashSet<string>> _causes = [];
    private readonly Lock _causesGate = new();

    /// <summary>
    /// One Warning line per root cause, not one per collector and refresh: an API that is down fails every collector
    /// alike. The first failure with a cause is a Warning; others with the same cause are Debug until every collector
    /// it failed has succeeded again, which is one Information line.
    /// </summary>
    private void ReportOutcome(string collector, string? error, int retries, double seconds)
    {
        var cause = error is null ? null : RootCause(collector, error);
        List<string> cleared = [];
        var known = false;
        lock (_causesGate)
        {
            foreach (var (other, failing) in _causes)
                if (other != cause && failing.Remove(collector) && failing.Count == 0) cleared.Add(other);
            foreach (var other in cleared) _causes.Remove(other);
            if (cause is not null && !_causes.TryAdd(cause, [collector]))
            {
                _causes[cause].Add(collector);
                known = true;
            }
        }
        if (error is null)
        {
            LogRefreshed(collector, seconds, retries);
            foreach (var other in cleared) LogCleared(other);
        }
        else
        {
            LogFailed(known ? LogLevel.Debug : LogLevel.Warning, collector, error, retries, seconds);
        }
    }

    /// <summary>The failure without the collector's name: what follows its last "collector: " prefix.</summary>
    internal static string RootCause(string collector, string error)
    {
        var prefix = collector + ": ";
        var at = error.LastIndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? error : error[(at + prefix.Length)..];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collectors succeed again after: {Cause}")]
    private partial void LogCleared(string cause);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Collector {Collector} ignored {Count} row(s) ({Reason}), first: {First}")]
    private partial void LogRowsIgnored(string collector, int count, string reason, string first);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Dropped} stream(s) or sub-stream(s) not watched: Cirrus:MaxStreams reached ({Watched} watched, "
            + "configured ones first)")]
    private partial void LogStreamsDropped(int dropped, int watched);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Collector {Collector} refreshed in {DurationSeconds:0.###} s ({Retries} retries)")]
    private partial void LogRefreshed(string collector, double durationSeconds, int retries);

    [LoggerMessage(Message = "Collector {Collector} failed: {Error} ({Retries} retries, {DurationSeconds:0.###} s)")]
    private partial void LogFailed(LogLevel level, string collector, string error, int retries, double durationSeconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "API token rejected: {Count} call(s) of collector {Collector} answered 401/403; check "
            + "Cirrus:ApiToken")]
    private partial void LogTokenRejected(string collector, int count);
}
