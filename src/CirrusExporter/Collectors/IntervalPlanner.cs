using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors;

/// <summary>One enabled collector as the planner sees it: its configured interval and what a refresh costs.</summary>
public sealed record PlannedCollector(
    string Label, CollectorPriority Priority, double CallsPerRefresh, TimeSpan Interval);

/// <param name="Intervals">Each collector's effective interval, never shorter than configured.</param>
/// <param name="CallsPerSecond">The API calls per second those intervals plan.</param>
/// <param name="Utilisation">Planned calls per second over the available rate; NaN when the rate is unlimited.</param>
/// <param name="FirstUtilisation">The same for the calls sent first (<see cref="IntervalPlanner.SentFirst"/>).</param>
public sealed record IntervalPlan(
    IReadOnlyDictionary<string, TimeSpan> Intervals, double CallsPerSecond, double Utilisation, double FirstUtilisation)
{
    /// <summary>Some collector runs less often than configured.</summary>
    public bool Stretched { get; init; }

    /// <summary>
    /// The plan stays within <see cref="IntervalPlanner.Target"/> of the rate; or the calls sent first do, and all stay
    /// within the rate: the detail collectors then take what the others leave, and only they run late when retries need
    /// more.
    /// </summary>
    public bool Fits => double.IsNaN(Utilisation) || Utilisation <= IntervalPlanner.Target + 1e-9
        || (FirstUtilisation <= IntervalPlanner.Target + 1e-9 && Utilisation <= 1 + 1e-9);
}

/// <summary>
/// Fits the collectors' work to the API rate. While the planned calls per second stay within <see cref="Target"/> of
/// the rate (the rest is room for retries and bursts), every collector keeps its configured interval. Beyond it,
/// intervals are lengthened, lowest priority first and within a priority the costliest first, each only as far as
/// needed and never beyond half of <c>Cirrus:MaxDataAge</c>, so that a collector still refreshes twice before its data
/// would be withdrawn. A collector that makes one call a refresh keeps its interval: stretching it would give up its
/// freshness for a fraction of a call per second. A plan whose calls stay past the target at the longest intervals
/// still fits while the calls sent first (<see cref="SentFirst"/>) stay within it and all calls within the rate
/// (<see cref="IntervalPlan.Fits"/>).
/// </summary>
public static class IntervalPlanner
{
    public const double Target = 0.8;

    /// <summary>Whose calls the rate sends before the others' when both wait.</summary>
    public static bool SentFirst(CollectorPriority priority) =>
        priority is CollectorPriority.Paging or CollectorPriority.Source;

    /// <summary>
    /// Where a collector's calls queue for the rate (<see cref="Api.RefreshContext.Rank"/>): those sent first share the
    /// first rank, in order of arrival, so the stream source's one call never waits for a whole availability refresh.
    /// </summary>
    public static int Rank(CollectorPriority priority) => SentFirst(priority) ? 0 : (int)priority;

    /// <param name="ratePerSecond">The requests per second available now; 0 when unlimited (nothing is
    /// stretched).</param>
    public static IntervalPlan Plan(
        IReadOnlyList<PlannedCollector> collectors, double ratePerSecond, TimeSpan maxDataAge)
    {
        var intervals = collectors.ToDictionary(c => c.Label, c => c.Interval);
        double Demand() => collectors.Sum(c => c.CallsPerRefresh / intervals[c.Label].TotalSeconds);
        var longest = (maxDataAge / 2).TotalSeconds;
        var stretched = false;
        if (ratePerSecond > 0)
        {
            var budget = Target * ratePerSecond;
            var order = collectors.Where(c => c.Priority != CollectorPriority.Source)
                .OrderByDescending(c => c.Priority).ThenByDescending(c => c.CallsPerRefresh / c.Interval.TotalSeconds);
            foreach (var c in order)
            {
                var excess = Demand() - budget;
                if (excess <= 1e-9) break;
                if (c.CallsPerRefresh <= 1 || c.Interval.TotalSeconds >= longest) continue;
                var own = c.CallsPerRefresh / c.Interval.TotalSeconds;
                // The interval at which this collector's calls drop by the excess, in whole seconds, capped.
                var needed = own > excess
                    ? Math.Ceiling(c.CallsPerRefresh / (own - excess) - 1e-9)
                    : double.PositiveInfinity;
                intervals[c.Label] = TimeSpan.FromSeconds(Math.Min(needed, longest));
                stretched = true;
            }
        }
        var demand = Demand();
        var first = collectors.Where(c => SentFirst(c.Priority))
            .Sum(c => c.CallsPerRefresh / intervals[c.Label].TotalSeconds);
        return ratePerSecond > 0
            ? new IntervalPlan(intervals, demand, demand / ratePerSecond, first / ratePerSecond)
            {
                Stretched = stretched
            }
            : new IntervalPlan(intervals, demand, double.NaN, double.NaN) { Stretched = stretched };
    }
}
