using CirrusExporter.Collectors;
using CirrusExporter.Snapshot;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The interval planner as a pure function: rates, calls per refresh, priorities and configured intervals in, effective
/// intervals out. The default layout: availability and SLA page, the stream source is fixed, objects is detail and
/// conversations opt-in; 100 watched streams.
/// </summary>
public sealed class IntervalPlannerTests
{
    private static readonly TimeSpan MaxDataAge = TimeSpan.FromMinutes(5);

    private static List<PlannedCollector> Defaults(int streams = 100) =>
    [
        new("availability", CollectorPriority.Paging, streams, TimeSpan.FromSeconds(30)),
        new("stream_stats", CollectorPriority.Source, 1, TimeSpan.FromSeconds(30)),
        new("sla_exceptions", CollectorPriority.Paging, 1, TimeSpan.FromSeconds(30)),
        new("objects", CollectorPriority.Detail, streams, TimeSpan.FromSeconds(60)),
        new("conversations", CollectorPriority.OptIn, streams, TimeSpan.FromSeconds(60)),
    ];

    private static IntervalPlan At25PerSecond(params PlannedCollector[] collectors)
        => IntervalPlanner.Plan(collectors, 25, MaxDataAge);

    private static Dictionary<string, double> Seconds(IntervalPlan plan)
        => plan.Intervals.ToDictionary(kv => kv.Key, kv => kv.Value.TotalSeconds);

    private static Dictionary<string, double> Expected(double availability, double streamStats, double sla,
        double objects, double conversations) => new()
        {
            ["availability"] = availability, ["stream_stats"] = streamStats, ["sla_exceptions"] = sla,
            ["objects"] = objects, ["conversations"] = conversations,
        };

    [Fact]
    public void Within_80_percent_of_the_rate_every_collector_keeps_its_interval()
    {
        // 100/30 + 1/30 + 1/30 + 100/60 + 100/60 = 6.73 calls/s, 79 % of 8.5/s.
        var plan = IntervalPlanner.Plan(Defaults(), 8.5, MaxDataAge);

        Assert.Equal(Expected(30, 30, 30, 60, 60), Seconds(plan));
        Assert.False(plan.Stretched);
        Assert.True(plan.Fits);
        Assert.Equal(6.7333, plan.CallsPerSecond, 4);
        Assert.Equal(6.7333 / 8.5, plan.Utilisation, 4);
    }

    [Fact]
    public void With_an_unlimited_rate_nothing_stretches_however_many_calls()
    {
        var plan = IntervalPlanner.Plan(Defaults(streams: 100_000), 0, MaxDataAge);

        Assert.Equal(Expected(30, 30, 30, 60, 60), Seconds(plan));
        Assert.False(plan.Stretched);
        Assert.True(plan.Fits);
        Assert.True(double.IsNaN(plan.Utilisation));
    }

    [Fact]
    public void The_lowest_priority_is_stretched_first_and_only_as_far_as_needed()
    {
        // 6.73 calls/s against 80 % of 8/s = 6.4: conversations alone gives up the 0.33 over, at 100 / (100/60 - 0.333)
        // = 75 s.
        var plan = IntervalPlanner.Plan(Defaults(), 8, MaxDataAge);

        Assert.Equal(Expected(30, 30, 30, 60, 75), Seconds(plan));
        Assert.True(plan.Stretched);
        Assert.True(plan.Fits);
        Assert.Equal(0.8, plan.Utilisation, 4);
    }

    [Fact]
    public void Paging_collectors_are_stretched_only_once_the_others_are_at_half_of_max_data_age()
    {
        // Against 80 % of 5/s = 4: conversations and objects to 150 s leave 4.73, so availability gives up 0.73 at
        // 100 / (100/30 - 0.733) = 38.5, rounded up to 39 s; the SLA call and the stream source keep theirs.
        var plan = IntervalPlanner.Plan(Defaults(), 5, MaxDataAge);

        Assert.Equal(Expected(39, 30, 30, 150, 150), Seconds(plan));
        Assert.True(plan.Fits);
        Assert.Equal((100 / 39.0 + 2 / 30.0 + 200 / 150.0) / 5, plan.Utilisation, 6);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(2)]
    public void No_collector_is_stretched_past_half_of_max_data_age_even_when_the_budget_cannot_be_met(int minutes)
    {
        var maxDataAge = TimeSpan.FromMinutes(minutes);
        var plan = IntervalPlanner.Plan(Defaults(streams: 2000), 25, maxDataAge);

        var half = maxDataAge.TotalSeconds / 2;
        // The one-call collectors keep their 30 s: stretching them would save next to nothing.
        Assert.Equal(Expected(half, 30, 30, half, half), Seconds(plan));
        Assert.False(plan.Fits);
        Assert.Equal(6000 / half + 2 / 30.0, plan.CallsPerSecond, 6);
    }

    [Fact]
    public void An_interval_configured_beyond_half_of_max_data_age_is_kept_not_shortened()
    {
        var plan = At25PerSecond(
            new("availability", CollectorPriority.Paging, 1000, TimeSpan.FromSeconds(30)),
            new("objects", CollectorPriority.Detail, 1000, TimeSpan.FromSeconds(200)));

        // Objects (5/s) cannot give more; availability takes the rest: 1000 / (20 - 5) = 66.7, so 67 s.
        Assert.Equal(200, plan.Intervals["objects"].TotalSeconds);
        Assert.Equal(67, plan.Intervals["availability"].TotalSeconds);
        Assert.True(plan.Fits);
    }

    [Fact]
    public void Within_a_priority_the_costliest_collector_is_stretched_first()
    {
        // 1 + 50 calls/s against 20: the larger one alone gives up the 31 over, at 1500 / (50 - 31) = 78.9, so 79 s.
        var plan = At25PerSecond(
            new("small", CollectorPriority.Detail, 30, TimeSpan.FromSeconds(30)),
            new("large", CollectorPriority.Detail, 1500, TimeSpan.FromSeconds(30)));

        Assert.Equal(30, plan.Intervals["small"].TotalSeconds);
        Assert.Equal(79, plan.Intervals["large"].TotalSeconds);
    }
}
