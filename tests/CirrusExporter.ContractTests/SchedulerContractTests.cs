using System.Text.Json;
using CirrusExporter.TestSupport;
using CirrusSimulator;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The scheduler fits the collectors to a low request rate, on the real exporter against the simulator and one fake
/// clock: 50 streams at 5 requests/s with objects planned at 5 pages a stream plan 5.9 calls/s, above 80 % of the rate,
/// so objects (detail) is stretched from 60 s to 250 / (250/60 - 1.9) = 111 s while availability (paging) keeps its 30
/// s, the refreshes follow that plan, and the stretch is logged once.
/// </summary>
public sealed class SchedulerContractTests
{
    private const int Streams = 50;
    private const int Rate = 5;
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cirrus:Http:RateLimitPerSecond"] = $"{Rate}",
            ["Cirrus:DiscoverStreams"] = "false",
            // Planned at its most, 5 pages a stream; a page of 100 is short, so a refresh makes one call a stream.
            ["Cirrus:Collectors:Objects:MaxPages"] = "5",
            ["Cirrus:Collectors:Objects:PageSize"] = "100",
            ["Cirrus:Collectors:Objects:SweepEvery"] = "1",
        };
        // The generated streams without sub-streams (every fourth from the second has two), so each costs one
        // availability call.
        var ids = Enumerable.Range(0, 2 * Streams).Where(i => i % 4 != 1).Take(Streams).Select(i => 500_000 + i);
        foreach (var (id, i) in ids.Select((id, i) => (id, i))) settings[$"Cirrus:Streams:{i}:Id"] = $"{id}";
        // The plan is worked out for the four collectors on by default when it was written; any other is off.
        string[] planned = ["availability", "stream_stats", "sla_exceptions", "objects"];
        foreach (var d in Registered.Collectors)
        {
            settings[d.Key("Enabled")] = planned.Contains(d.Label) ? "true" : "false";
        }
        return settings;
    }

    /// <summary>Every call the simulator received has been answered and counted by the exporter.</summary>
    private static async Task<bool> IdleAsync(TestExporter exporter, HttpClient admin)
    {
        var received = JsonDocument.Parse(await admin.GetStringAsync("/admin/calls")).RootElement.EnumerateObject()
            .Sum(p => p.Value.GetInt64());
        return received == (await exporter.ScrapeAsync()).Family("cirrus_api_requests_total").Values.Sum();
    }

    private static double Calls(Exposition m, string endpoint)
        => m.Value("cirrus_api_requests_total", "endpoint", endpoint, "code", "200") ?? 0;

    [Fact]
    public async Task With_a_short_budget_objects_is_stretched_and_availability_keeps_its_interval()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = SimulatorHost.Create(
            new SimulatorOptions
            {
                Token = TestExporter.Token, Seed = 5, LargeTenantStreams = 2 * Streams,
                LargeTenantTraffic = 0.2
            }, "http://127.0.0.1:0", time);
        await simulator.StartAsync();
        await using var exporter = TestExporter.Start(simulator.Urls.First(), Settings(), time, background: true);

        var planned = await exporter.ScrapeUntilAsync(m => m.HasFamily("cirrus_api_budget_utilisation_ratio"),
            attempts: 400);
        Assert.Equal(new Dictionary<string, double>
        {
            ["collector=availability"] = 30, ["collector=stream_stats"] = 30, ["collector=sla_exceptions"] = 30,
            ["collector=objects"] = 111,
        }, planned.Family("cirrus_collector_effective_interval_seconds"));
        Assert.Equal((50 / 30.0 + 2 / 30.0 + 250 / 111.0) / Rate,
            planned.Value("cirrus_api_budget_utilisation_ratio")!.Value, 9);
        Assert.Equal(["127.0.0.1"], planned.Tenants);

        // 200 s at the rate's pace: availability refreshes at 0, 30, ..., 180 s, objects at 0 and 111 s (at its
        // configured 60 s it would have been 4 times).
        using var admin = new HttpClient { BaseAddress = new Uri(simulator.Urls.First()) };
        while (time.GetUtcNow() - Start < TimeSpan.FromSeconds(200))
        {
            // Only while no call is in flight: the clock must not run past an attempt the machine is slow to answer.
            for (var i = 0; i < 400 && !await IdleAsync(exporter, admin); i++) await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(500));
        }
        var after = await exporter.ScrapeUntilAsync(m => Calls(m, "availability") >= 7 * Streams
            && Calls(m, "objects") >= 2 * Streams, attempts: 400);
        Assert.Equal(7 * Streams, Calls(after, "availability"));
        Assert.Equal(2 * Streams, Calls(after, "objects"));
        Assert.Equal(0,
            after.Family("cirrus_api_requests_total").Where(kv => !kv.Key.Contains("code=200")).Sum(kv => kv.Value));
        Assert.All(after.Family("cirrus_collector_success").Values, v => Assert.Equal(1, v));
        Assert.Equal(1, after.Value("cirrus_up"));

        var warnings = exporter.Logs.AtLeast(LogEventLevel.Warning);
        Assert.Single(warnings, l => l.Contains("API budget short"));
        Assert.Contains("objects 60 s -> 111 s", Assert.Single(warnings));
    }
}
