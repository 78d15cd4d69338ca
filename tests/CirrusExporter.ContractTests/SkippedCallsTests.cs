using CirrusExporter.TestSupport;
using CirrusSimulator;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

/// <summary>
/// Skipping the per-stream calls that /stats/streams says cannot carry news changes no published value: over a
/// simulated day, an exporter that skips and one that calls every stream every time publish the same stream series at
/// every refresh, on one simulator and one fake clock, while the first makes fewer calls.
/// </summary>
public sealed class SkippedCallsTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);

    private const int Streams = 24;

    /// <summary>
    /// The generated streams configured, so a stream stays watched once its conversations have expired.
    /// </summary>
    private static Dictionary<string, string?> Settings(int sweepEvery)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cirrus:Collectors:Conversations:Enabled"] = "true",
            ["Cirrus:Collectors:Objects:SweepEvery"] = $"{sweepEvery}",
            ["Cirrus:Collectors:Conversations:SweepEvery"] = $"{sweepEvery}",
        };
        for (var i = 0; i < Streams; i++) settings[$"Cirrus:Streams:{i}:Id"] = $"{500_000 + i}";
        return settings;
    }

    /// <summary>The series the collectors publish, by name and labels.</summary>
    private static Dictionary<string, double> StreamSeries(Exposition scrape) =>
        scrape.Samples.Where(s => s.Name.StartsWith("cirrus_stream_", StringComparison.Ordinal))
            .ToDictionary(s => $"{s.Name}{{{s.LabelText}}}", s => s.Value);

    [Fact]
    public async Task Over_a_simulated_day_the_series_with_skipping_equal_those_without()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero)); // a Wednesday
        await using var simulator = SimulatorHost.Create(
            new SimulatorOptions
            {
                Token = TestExporter.Token, Seed = 11, LargeTenantStreams = Streams, LargeTenantTraffic = 0.15,
                // Closed conversations expire within hours, so office-hours streams are empty by night.
                ArchiveAfter = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(2),
            }, "http://127.0.0.1:0", time);
        await simulator.StartAsync();
        var url = simulator.Urls.First();
        await using var skipping = TestExporter.Start(url, Settings(sweepEvery: 10), time);
        await using var calling = TestExporter.Start(url, Settings(sweepEvery: 1), time);

        var idleAtSomePoint = false;
        for (var at = TimeSpan.Zero; at < TimeSpan.FromDays(1); at += Step)
        {
            Assert.True(await skipping.RefreshAllAsync(), $"skipping exporter failed at {at}");
            Assert.True(await calling.RefreshAllAsync(), $"calling exporter failed at {at}");
            var (with, without) = (await skipping.ScrapeAsync(), await calling.ScrapeAsync());
            var (a, b) = (StreamSeries(with), StreamSeries(without));
            Assert.True(b.Count > Streams * 10, $"{b.Count} series at {at}");
            Assert.Equal(b.Keys.Order(), a.Keys.Order());
            foreach (var (series, value) in b)
            {
                Assert.True(a[series] == value, $"{series} at {at}: {a[series]} with skipping, {value} without");
            }
            idleAtSomePoint |= b.Any(kv => kv.Key.StartsWith("cirrus_stream_oldest_open_object_age_seconds",
                StringComparison.Ordinal) && kv.Value == 0);
            time.Advance(Step);
        }

        var (skipped, full) = (await skipping.ScrapeAsync(), await calling.ScrapeAsync());
        Assert.True(idleAtSomePoint);
        Assert.True(skipped.Value("cirrus_api_calls_skipped_total", "collector", "objects") > 0);
        Assert.True(skipped.Value("cirrus_api_calls_skipped_total", "collector", "conversations") > 0);
        Assert.Equal(0, full.Value("cirrus_api_calls_skipped_total", "collector", "objects"));
        Assert.Equal(0, full.Value("cirrus_api_calls_skipped_total", "collector", "conversations"));
        double Calls(Exposition e) => e.Family("cirrus_api_requests_total").Where(
            kv => kv.Key.Contains("endpoint=objects") || kv.Key.Contains("endpoint=conversations")).Sum(kv => kv.Value);
        Assert.Equal(Calls(full) - Calls(skipped),
            skipped.Value("cirrus_api_calls_skipped_total", "collector", "objects")
            + skipped.Value("cirrus_api_calls_skipped_total", "collector", "conversations"));
    }
}
