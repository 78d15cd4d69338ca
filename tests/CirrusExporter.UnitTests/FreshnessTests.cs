using System.Globalization;
using System.Text.RegularExpressions;
using CirrusExporter.Api;
using CirrusExporter.Collectors;
using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

/// <summary>
/// What a scrape serves as refreshes succeed, fail, partly fail and age (docs/metrics.md, "Freshness and withdrawal").
/// </summary>
public sealed partial class FreshnessTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A collector that returns (or throws) whatever the test queued next.</summary>
    private sealed class ScriptedCollector(CollectorDescriptor descriptor) : ICollector
    {
        public Func<RefreshResult> Next { get; set; } = () => throw new InvalidOperationException("nothing scripted");

        public CollectorDescriptor Descriptor => descriptor;

        public Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
            => Task.FromResult(Next());
    }

    private sealed class Harness
    {
        public Harness(CirrusOptions options)
        {
            Time = new FakeTimeProvider(Start);
            Store = new SnapshotStore(Registered.Collectors, Options.Create(options), new LabelNames(options), Time);
            Collectors = Registered.Collectors.ToDictionary(d => d.Label, d => new ScriptedCollector(d));
            var metrics = new SelfMetrics(Registered.Labels);
            Runner = new CollectorRunner(Collectors.Values, Options.Create(options), Store, metrics, Time,
                NullLogger<CollectorRunner>.Instance);
            Writer = new MetricsWriter(Store, metrics, Time);
        }

        public FakeTimeProvider Time { get; }
        public SnapshotStore Store { get; }
        public Dictionary<string, ScriptedCollector> Collectors { get; }
        public CollectorRunner Runner { get; }
        public MetricsWriter Writer { get; }

        public Task<bool> RefreshAsync(string name, Func<RefreshResult> result)
        {
            Collectors[name].Next = result;
            return Runner.RefreshAsync(name, CancellationToken.None);
        }

        public async Task<Scrape> ScrapeAsync()
        {
            using var buffer = new MemoryStream();
            await Writer.WriteAsync(buffer, CancellationToken.None);
            return new Scrape(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }

    /// <summary>
    /// One scrape's samples, keyed by the label text exactly as written ("collector=\"objects\""), after the
    /// tenant label every cirrus_* sample must carry first (the API host, as no Cirrus:Tenant is set).
    /// </summary>
    private sealed partial record Scrape(string Text)
    {
        private const string Tenant = "tenant=\"api.commbox.io\"";

        private IEnumerable<(string Name, string Labels, double Value)> Samples =>
            Text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l =>
            {
                var m = SampleLine().Match(l);
                Assert.True(m.Success, l);
                var value = m.Groups[3].Value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    var v => double.Parse(v, CultureInfo.InvariantCulture)
                };
                var labels = m.Groups[2].Value;
                if (!m.Groups[1].Value.StartsWith("cirrus_", StringComparison.Ordinal))
                {
                    return (m.Groups[1].Value, labels, value);
                }
                Assert.StartsWith(Tenant, labels);
                return (m.Groups[1].Value, labels[Tenant.Length..].TrimStart(','), value);
            });

        public Dictionary<string, double> Family(string name)
            => Samples.Where(s => s.Name == name).ToDictionary(s => s.Labels, s => s.Value);

        public double? Value(string name, string labels = "") => Family(name).TryGetValue(labels, out var v) ? v : null;

        public bool HasFamily(string name) => Samples.Any(s => s.Name == name);

        [GeneratedRegex("""^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$""")]
        private static partial Regex SampleLine();
    }

    private static CirrusOptions AvailabilityOnly(params long[] streams)
    {
        var o = new CirrusOptions
        {
            ApiToken = "t", DiscoverStreams = false, Streams = [.. streams.Select(id => new StreamOptions { Id = id })],
        };
        foreach (var d in Registered.Collectors.Where(d => d != AvailabilityCollector.Descriptor))
        {
            d.Options(o.Collectors).Enabled = false;
        }
        return o;
    }

    private static RefreshResult States(params (long Stream, int State)[] states) =>
        new(new AvailabilityData(states.ToDictionary(s => new StreamKey(s.Stream, 0), s => s.State)));

    [Fact]
    public async Task Failed_refreshes_keep_data_until_max_data_age_then_it_is_withdrawn()
    {
        var h = new Harness(AvailabilityOnly(1));
        Assert.True(await h.RefreshAsync(AvailabilityCollector.Label, () => States((1, 2))));
        var fresh = await h.ScrapeAsync();
        Assert.Equal(2, fresh.Value("cirrus_stream_availability_state_code", "stream_id=\"1\",sub_stream_id=\"0\""));
        Assert.Equal(1, fresh.Value("cirrus_up"));
        Assert.Equal(1, fresh.Value("cirrus_collector_success", "collector=\"availability\""));
        Assert.Equal((double)Start.ToUnixTimeSeconds(),
            fresh.Value("cirrus_collector_last_success_timestamp_seconds", "collector=\"availability\""));

        h.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(await h.RefreshAsync(AvailabilityCollector.Label,
            () => throw new CirrusApiException("availability", "availability: HTTP 500 error")));
        var failing = await h.ScrapeAsync();
        Assert.Equal(2, failing.Value("cirrus_stream_availability_state_code", "stream_id=\"1\",sub_stream_id=\"0\""));
        Assert.Equal(1, failing.Value("cirrus_up"));
        Assert.Equal(0, failing.Value("cirrus_collector_success", "collector=\"availability\""));
        Assert.Equal((double)Start.ToUnixTimeSeconds(),
            failing.Value("cirrus_collector_last_success_timestamp_seconds", "collector=\"availability\""));
        Assert.Empty(h.Writer.StaleCollectors());

        h.Time.Advance(TimeSpan.FromSeconds(61));
        var stale = await h.ScrapeAsync();
        Assert.False(stale.HasFamily("cirrus_stream_availability_state"));
        Assert.False(stale.HasFamily("cirrus_stream_availability_state_code"));
        Assert.Equal(0, stale.Value("cirrus_up"));
        Assert.Equal(1,
            stale.Value("cirrus_stream_info", "stream_id=\"1\",sub_stream_id=\"0\",name=\"1\",module=\"\""));
        Assert.Equal(["availability"], h.Writer.StaleCollectors());
    }

    [Fact]
    public async Task A_partial_fan_out_failure_publishes_what_the_collector_returned_and_reports_failure_but_stays_fresh()
    {
        var h = new Harness(AvailabilityOnly(1, 2));
        Assert.True(await h.RefreshAsync(AvailabilityCollector.Label, () => States((1, 1), (2, 3))));
        h.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(await h.RefreshAsync(AvailabilityCollector.Label,
            () => new RefreshResult(States((1, 2)).Data, 1, "availability: HTTP 404 not found (check the stream id)")));
        var metrics = await h.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double> { ["stream_id=\"1\",sub_stream_id=\"0\""] = 2 },
            metrics.Family("cirrus_stream_availability_state_code"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector=\"availability\""));
        Assert.Equal(1, metrics.Value("cirrus_up"));
        Assert.Equal((double)Start.ToUnixTimeSeconds(),
            metrics.Value("cirrus_collector_last_success_timestamp_seconds", "collector=\"availability\""));
        Assert.Equal("1 stream call(s) failed, first: availability: HTTP 404 not found (check the stream id)",
            h.Store.Current.Collectors[AvailabilityCollector.Label].LastError);
    }

    [Fact]
    public async Task Disabled_collectors_have_no_series_and_do_not_hold_cirrus_up_down()
    {
        var h = new Harness(AvailabilityOnly(1));
        Assert.True(await h.RefreshAsync(AvailabilityCollector.Label, () => States((1, 0))));
        var metrics = await h.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double> { ["collector=\"availability\""] = 1 },
            metrics.Family("cirrus_collector_success"));
        Assert.Equal(["collector=\"availability\""], metrics.Family("cirrus_collector_duration_seconds").Keys);
        Assert.Equal(1, metrics.Value("cirrus_up"));
    }

    [Fact]
    public async Task Every_family_served_is_in_the_catalogue_with_its_type()
    {
        var options = new CirrusOptions { ApiToken = "t", Streams = [new StreamOptions { Id = 1 }] };
        options.Collectors.Conversations().Enabled = true;
        var h = new Harness(options);
        Assert.True(await h.RefreshAsync(StreamStatsCollector.Label,
            () => new RefreshResult(new StreamStatsData([new StatRow(9, 1, 0, 1, 4)]))));
        Assert.True(await h.RefreshAsync(SlaExceptionsCollector.Label,
            () => new RefreshResult(new SlaData(new SlaLists([new StatRow(9, 1, 0, 1, 1)], [])))));
        Assert.True(await h.RefreshAsync(AvailabilityCollector.Label, () => States((1, 1))));
        Assert.True(await h.RefreshAsync(ObjectsCollector.Label,
            () => new RefreshResult(new ObjectsData(new Dictionary<long, double> { [1] = 42 }))));
        var timings = new StreamTally("chat", new SloTargetOptions(), (from, to) => (to - from).TotalSeconds);
        Assert.True(await h.RefreshAsync(ConversationsCollector.Label, () => new RefreshResult(new ConversationsData(
            [new StreamTimings(1, "chat", timings.Target, 0, 0, timings.FirstResponse.Snapshot(),
            timings.Resolution.Snapshot(), 0, 0)]))));
        var text = (await h.ScrapeAsync()).Text;

        var served = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[2], p => p[3]);
        var own = served.Where(kv => kv.Key.StartsWith("cirrus_", StringComparison.Ordinal)
                || MetricCatalogue.All(Registered.Collectors.SelectMany(d => d.Metrics)).Any(m => m.Name == kv.Key))
            .ToDictionary();
        // The collectors refreshed here; RegisteredCollectorsTests checks that every collector serves its families.
        string[] refreshed =
        [
            StreamStatsCollector.Label, SlaExceptionsCollector.Label, AvailabilityCollector.Label,
            ObjectsCollector.Label, ConversationsCollector.Label,
        ];
        Assert.Equal(MetricCatalogue.All(Registered.Collectors.SelectMany(d => d.Metrics))
            .Where(m => m.Collector is null || refreshed.Contains(m.Collector))
            .ToDictionary(m => m.Name, m => m.Type), own);
        Assert.Contains("process_cpu_seconds_total", served.Keys);
        Assert.Contains("process_start_time_seconds", served.Keys);
    }
}
