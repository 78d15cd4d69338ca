using System.Buffers;
using System.Text;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The exporter's own instruments: exact under concurrency, and written in both formats with the rest of a scrape.
/// </summary>
public sealed class SelfMetricsTests
{
    private static string Render(Action<ExpositionWriter> write, bool openMetrics = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ExpositionWriter(buffer, "acme", openMetrics));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task Counters_lose_no_increment_under_concurrent_use()
    {
        var family = new ValueFamily(MetricCatalogue.ApiRequests);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++) family.WithLabels(i % 2 == 0 ? "objects" : "availability", "200").Inc();
        })));
        Assert.Equal(40_000, family.WithLabels("objects", "200").Current);
        Assert.Equal(40_000, family.WithLabels("availability", "200").Current);
    }

    [Fact]
    public void A_histogram_writes_cumulative_buckets_then_sum_and_count()
    {
        var histogram = new HistogramFamily(MetricCatalogue.ApiRequestDuration);
        foreach (var seconds in new[] { 0.01, 0.3, 0.3, 100 }) histogram.Observe(seconds, "objects");

        var lines = Render(histogram.Write).Split('\n');
        var buckets = new[] { ("0.025", 1), ("0.25", 1), ("0.5", 3), ("30", 3), ("+Inf", 4) };
        Assert.All(buckets, b => Assert.Contains($"cirrus_api_request_duration_seconds_bucket{{tenant=\"acme\","
            + $"endpoint=\"objects\",le=\"{b.Item1}\"}} {b.Item2}", lines));
        Assert.Equal(["cirrus_api_request_duration_seconds_sum{tenant=\"acme\",endpoint=\"objects\"} 100.61",
            "cirrus_api_request_duration_seconds_count{tenant=\"acme\",endpoint=\"objects\"} 4"],
            lines.Where(l => l.Contains("_sum") || l.Contains("_count")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_scrape_carries_the_self_metrics_and_openmetrics_ends_with_one_eof(bool openMetrics)
    {
        var options = new CirrusOptions
        {
            ApiToken = "t", Tenant = "eu-acme",
            Streams = [new StreamOptions { Id = 1 }]
        };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var self = new SelfMetrics(Registered.Labels);
        self.ObserveRequest("objects", "200", TimeSpan.FromSeconds(0.2));
        self.ObserveRetry("objects");
        var store = new SnapshotStore(Registered.Collectors, Options.Create(options), new LabelNames(options), time);
        var writer = new MetricsWriter(store, self, time);

        using var body = await writer.PrepareAsync(openMetrics, gzip: false, CancellationToken.None);
        var text = body.Segments.Utf8();

        var counter = openMetrics ? "cirrus_api_requests" : "cirrus_api_requests_total";
        Assert.Contains($"# TYPE {counter} counter\n", text);
        Assert.Contains("cirrus_api_requests_total{tenant=\"eu-acme\",endpoint=\"objects\",code=\"200\"} 1\n", text);
        Assert.Contains("cirrus_api_retries_total{tenant=\"eu-acme\",endpoint=\"objects\"} 1\n", text);
        Assert.Contains("cirrus_api_request_duration_seconds_count{tenant=\"eu-acme\",endpoint=\"objects\"} 1\n", text);
        Assert.Contains($"cirrus_exporter_build_info{{tenant=\"eu-acme\",version=\"{BuildInfo.Version}\","
            + $"revision=\"{BuildInfo.Revision}\",runtime=\"{BuildInfo.Runtime}\"}} 1\n", text);
        Assert.Contains("cirrus_up{tenant=\"eu-acme\"} ", text);
        Assert.Contains("# TYPE process_cpu_seconds" + (openMetrics ? "" : "_total") + " counter\n", text);
        Assert.Matches(@"\nprocess_resident_memory_bytes [1-9][0-9]*\n", text);
        Assert.Equal(openMetrics ? 1 : 0, text.Split("# EOF").Length - 1);
        if (openMetrics) Assert.EndsWith("\n# EOF\n", text);
    }
}
