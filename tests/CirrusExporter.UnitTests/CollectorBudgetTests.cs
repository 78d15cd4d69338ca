using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using CirrusExporter.Api;
using CirrusExporter.Collectors;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The scheduler's budget at the defaults (25 requests/s, MaxDataAge 5 minutes, the default collectors): it plans from
/// the watched streams and the adaptive rate, exports the plan, and logs each change of state once.
/// </summary>
public sealed class CollectorBudgetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly SelfMetrics _metrics = new([]);
    private readonly Logger _log = new();
    private readonly AdaptiveRate _rate;
    private readonly CollectorBudget _budget;

    public CollectorBudgetTests()
    {
        var options = Options.Create(new CirrusOptions());
        _rate = new AdaptiveRate(options, _time, _metrics);
        _budget = new CollectorBudget(options, _rate, _metrics, _log);
    }

    private sealed class Logger : ILogger<CollectorBudget>
    {
        public List<(LogLevel Level, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }

    /// <summary>
    /// The collectors the worked examples plan: the four on by default when they were written. A collector added later
    /// leaves them as they are; the planner itself takes whatever descriptors it is given.
    /// </summary>
    private static readonly IReadOnlyList<CollectorDescriptor> Enabled =
        [.. new[] { "availability", "stream_stats", "sla_exceptions", "objects" }.Select(Registered.Collector)];

    /// <summary>
    /// Streams without sub-streams but the first <paramref name="subStreams"/>, which have one more: one availability
    /// call each, and one objects call per stream id. With <paramref name="open"/>, a fresh /stats/streams read shows
    /// that many streams with an open conversation and the others with none; without it, no counts are known.
    /// </summary>
    private IntervalPlan Replan(int streams, int subStreams = 0, int? open = null)
    {
        var keys = Enumerable.Range(1, streams).Select(id => new KnownStream(new StreamKey(id, 0), $"{id}", null))
            .Concat(Enumerable.Range(1, subStreams).Select(id => new KnownStream(new StreamKey(id, 1), $"{id}", null)))
            .ToList();
        var catalogue = new StreamCatalogue(keys, keys.Select(k => k.Key.StreamId).ToHashSet(),
            new HashSet<(StreamKey, int, int)>(), new HashSet<(StreamKey, int, int)>());
        var states = new Dictionary<string, CollectorState>();
        if (open is { } o)
        {
            var rows = Enumerable.Range(1, o).Select(id => new StatRow(9, id, 0, 1, 3)).ToList();
            states["stream_stats"] = new CollectorState("stream_stats", true, TimeSpan.FromSeconds(30))
            {
                Data = new StreamStatsData(rows), DataTime = _time.GetUtcNow(), LastSucceeded = true,
            };
        }
        var snapshot = new MetricsSnapshot(1, states, catalogue, new Dictionary<string, RenderedPart>(),
            "stream_stats");
        return _budget.Replan(Enabled, snapshot);
    }

    private string Exposition()
    {
        var buffer = new ArrayBufferWriter<byte>();
        _metrics.Write(new ExpositionWriter(buffer, "acme", false));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void The_plan_is_exported_with_the_tenant_and_its_intervals_followed()
    {
        Replan(500);

        // 500/30 + 2/30 + 500/60 = 25.1 calls/s: objects to 150 s, availability to 500 / (20 - 3.33 - 0.07) = 30.1, so
        // 31 s.
        var lines = Exposition().Split('\n');
        Assert.Equal(
        [
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"availability\"} 31",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"stream_stats\"} 30",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"sla_exceptions\"} 30",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"objects\"} 150",
        ], lines.Where(l => l.StartsWith("cirrus_collector_effective_interval_seconds{", StringComparison.Ordinal)));
        var utilisation = Assert.Single(lines,
            l => l.StartsWith("cirrus_api_budget_utilisation_ratio{tenant=\"acme\"} ", StringComparison.Ordinal));
        Assert.Equal((500 / 31.0 + 2 / 30.0 + 500 / 150.0) / 25,
            double.Parse(utilisation.Split(' ')[1], CultureInfo.InvariantCulture), 12);
        Assert.Equal(TimeSpan.FromSeconds(31), _budget.IntervalOf(Registered.Collector("availability")));
        Assert.Equal(TimeSpan.FromSeconds(60), _budget.IntervalOf(Registered.Collector("conversations")));
    }

    [Fact]
    public void The_objects_calls_are_planned_from_the_counts_so_a_2000_stream_tenant_fits()
    {
        // Without counts every stream id is called: 2,000 / 150 + 2,000 / 150 + 2 / 30 = 26.7 calls/s, more than 25.
        Assert.False(Replan(2000).Fits);

        // 600 streams with something open are called at every refresh, the other 1,400 at every tenth: 740 calls.
        var plan = Replan(2000, open: 600);
        Assert.Equal(150, plan.Intervals["objects"].TotalSeconds);
        // Availability gives up what objects cannot: 2,000 / (20 - 740 / 150 - 2 / 30) = 133.9, so 134 s.
        Assert.Equal(134, plan.Intervals["availability"].TotalSeconds);
        Assert.Equal((2000 / 134.0 + 740 / 150.0 + 2 / 30.0) / 25, plan.Utilisation, 12);
        Assert.True(plan.Fits);

        // With 500 sub-streams availability is at its longest, 150 s, and the whole plan past 80 %: the calls sent
        // first (availability and the two single calls) take 67 %, and the objects calls the rest, within the rate.
        plan = Replan(2000, subStreams: 500, open: 600);
        Assert.Equal(150, plan.Intervals["availability"].TotalSeconds);
        Assert.Equal((2500 / 150.0 + 740 / 150.0 + 2 / 30.0) / 25, plan.Utilisation, 12);
        Assert.Equal((2500 / 150.0 + 2 / 30.0) / 25, plan.FirstUtilisation, 12);
        Assert.True(plan.Fits);

        // With every stream open it does not: objects alone would need 13.3 calls/s of the 8.3 left.
        Assert.False(Replan(2000, subStreams: 500, open: 2000).Fits);
    }

    [Fact]
    public async Task A_429_lowers_the_available_rate_and_the_next_plan_stretches_further()
    {
        Replan(500);
        var sent = await _rate.AcquireAsync(0, CancellationToken.None);
        using (var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)) _rate.Observe(sent, response);

        // 12.5 requests/s: availability gives up what objects at 150 s cannot, 500 / (10 - 3.33 - 0.07) = 75.8, so 76
        // s.
        var plan = Replan(500);
        Assert.Equal(76, plan.Intervals["availability"].TotalSeconds);
        Assert.Equal(150, plan.Intervals["objects"].TotalSeconds);
    }

    [Fact]
    public void Stretching_short_and_fits_again_are_each_logged_once()
    {
        Replan(100);
        Assert.Empty(_log.Lines);

        Replan(1000);
        Replan(1000);
        Assert.Equal([LogLevel.Warning], _log.Lines.Select(l => l.Level));
        Assert.StartsWith("API budget short: ", _log.Lines[0].Message);
        Assert.Contains("availability 30 s -> 76 s, objects 60 s -> 150 s", _log.Lines[0].Message);

        Replan(2000);
        Replan(2000);
        Assert.Equal(2, _log.Lines.Count);
        Assert.StartsWith("API budget too short for the watched streams", _log.Lines[1].Message);

        Replan(100);
        Replan(100);
        Assert.Equal((LogLevel.Information, "API budget fits again: every collector at its configured interval"),
            _log.Lines[2]);
        Assert.Equal(3, _log.Lines.Count);
    }
}
