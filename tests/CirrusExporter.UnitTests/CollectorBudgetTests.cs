using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using CirrusExporter.Collectors;
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
/// The scheduler's budget at the defaults (25 requests/s, MaxDataAge 5 minutes, the default collectors): it plans from the
/// watched streams and the adaptive rate, exports the plan, and logs each change of state once.
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

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }

    private static readonly IReadOnlyList<CollectorDescriptor> Enabled =
        Registered.Collectors.Where(d => d.Options(new CollectorsOptions()).Enabled).ToList();

    /// <summary>Streams without sub-streams: one availability and one objects call each.</summary>
    private IntervalPlan Replan(int streams)
    {
        var keys = Enumerable.Range(1, streams).Select(id => new KnownStream(new StreamKey(id, 0), $"{id}", null)).ToList();
        return _budget.Replan(Enabled, new StreamCatalogue(keys, keys.Select(k => k.Key.StreamId).ToHashSet(),
            new HashSet<(StreamKey, int, int)>(), new HashSet<(StreamKey, int, int)>()));
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

        // 500/30 + 2/30 + 500/60 = 25.1 calls/s: objects to 150 s, availability to 500 / (20 - 3.33 - 0.07) = 30.1, so 31 s.
        var lines = Exposition().Split('\n');
        Assert.Equal(
        [
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"availability\"} 31",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"stream_stats\"} 30",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"sla_exceptions\"} 30",
            "cirrus_collector_effective_interval_seconds{tenant=\"acme\",collector=\"objects\"} 150",
        ], lines.Where(l => l.StartsWith("cirrus_collector_effective_interval_seconds{", StringComparison.Ordinal)));
        var utilisation = Assert.Single(lines, l => l.StartsWith("cirrus_api_budget_utilisation_ratio{tenant=\"acme\"} ", StringComparison.Ordinal));
        Assert.Equal((500 / 31.0 + 2 / 30.0 + 500 / 150.0) / 25, double.Parse(utilisation.Split(' ')[1], CultureInfo.InvariantCulture), 12);
        Assert.Equal(TimeSpan.FromSeconds(31), _budget.IntervalOf(Registered.Collector("availability")));
        Assert.Equal(TimeSpan.FromSeconds(60), _budget.IntervalOf(Registered.Collector("conversations")));
    }

    [Fact]
    public async Task A_429_lowers_the_available_rate_and_the_next_plan_stretches_further()
    {
        Replan(500);
        var sent = await _rate.AcquireAsync(CancellationToken.None);
        using (var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)) _rate.Observe(sent, response);

        // 12.5 requests/s: availability gives up what objects at 150 s cannot, 500 / (10 - 3.33 - 0.07) = 75.8, so 76 s.
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
        Assert.Equal((LogLevel.Information, "API budget fits again: every collector at its configured interval"), _log.Lines[2]);
        Assert.Equal(3, _log.Lines.Count);
    }
}
