using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors;

/// <summary>
/// The scheduler's current <see cref="IntervalPlan"/>: replanned from the watched streams, the options and the rate
/// available now (<see cref="AdaptiveRate"/>, which 429s lower), exported, and logged once when stretching starts, once
/// when the budget cannot serve the streams even so, and once when it ends.
/// </summary>
public sealed partial class CollectorBudget(
    IOptions<CirrusOptions> options, AdaptiveRate rate, SelfMetrics metrics, ILogger<CollectorBudget> logger)
{
    private readonly Lock _gate = new();
    private IntervalPlan? _plan;

    /// <summary>The collector's effective interval: its configured one until a plan says otherwise.</summary>
    public TimeSpan IntervalOf(CollectorDescriptor collector) =>
        Volatile.Read(ref _plan) is { } plan && plan.Intervals.TryGetValue(collector.Label, out var planned)
            ? planned
            : collector.Options(options.Value.Collectors).Interval;

    /// <summary>
    /// Plans for the streams the snapshot watches and the calls its latest counts let the collectors skip.
    /// </summary>
    public IntervalPlan Replan(IEnumerable<CollectorDescriptor> enabled, MetricsSnapshot snapshot)
    {
        var o = options.Value;
        var collectors = enabled.Select(d =>
        {
            var c = d.Options(o.Collectors);
            return new PlannedCollector(d.Label, d.Priority, d.CallsPerRefresh(snapshot, c), c.Interval);
        }).ToList();
        var plan = IntervalPlanner.Plan(collectors, rate.Enabled ? rate.Current : 0, o.MaxDataAge);
        lock (_gate)
        {
            var before = _plan;
            _plan = plan;
            metrics.SetPlan([.. collectors.Select(c => (c.Label, plan.Intervals[c.Label].TotalSeconds))],
                plan.Utilisation);
            string Stretched() => string.Join(", ", collectors.Where(c => plan.Intervals[c.Label] != c.Interval)
                .Select(c => $"{c.Label} {c.Interval.TotalSeconds:0.###} s -> "
                    + $"{plan.Intervals[c.Label].TotalSeconds:0.###} s"));
            if (!plan.Fits && before?.Fits != false)
                LogShort(plan.CallsPerSecond, plan.Utilisation, rate.Current, Stretched());
            else if (plan.Fits && plan.Stretched && before is not { Stretched: true, Fits: true })
                LogStretched(plan.CallsPerSecond, plan.Utilisation, rate.Current, Stretched());
            else if (plan is { Fits: true, Stretched: false } && before is { Stretched: true } or { Fits: false })
                LogFits();
        }
        return plan;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "API budget short: collectors stretched to {CallsPerSecond:0.#} calls/s, {Utilisation:P0} of the "
            + "{Rate:0.#} requests/s available: {Stretched}")]
    private partial void LogStretched(double callsPerSecond, double utilisation, double rate, string stretched);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "API budget too short for the watched streams: even at half of Cirrus:MaxDataAge the collectors need "
            + "{CallsPerSecond:0.#} calls/s, {Utilisation:P0} of the {Rate:0.#} requests/s available, so refreshes may "
            + "run late and data be withdrawn, the detail collectors' first; lower Cirrus:MaxStreams, raise "
            + "Cirrus:Http:RateLimitPerSecond or Cirrus:MaxDataAge, or turn a collector off. Stretched: {Stretched}")]
    private partial void LogShort(double callsPerSecond, double utilisation, double rate, string stretched);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "API budget fits again: every collector at its configured interval")]
    private partial void LogFits();
}
