using CirrusExporter.TestSupport;
using CirrusSimulator;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The adaptive request rate against the simulator with a rate limit it does not announce (40 calls/s, 429 above it,
/// no Retry-After): from a ceiling twice as high, the exporter comes down to near the limit, and every refresh still
/// succeeds with every stream's series. Real time on 127.0.0.1, bounded to about 20 seconds of refreshes.
/// </summary>
public sealed class AdaptiveRateContractTests
{
    private const int HiddenLimit = 40;
    private const int Streams = 60;

    [Fact]
    public async Task The_rate_converges_near_a_hidden_limit_without_losing_data()
    {
        await using var simulator = SimulatorHost.Create(new SimulatorOptions
        {
            Token = TestExporter.Token,
            LargeTenantStreams = Streams,
            Faults = { RateLimitPerSecond = HiddenLimit },
        }, "http://127.0.0.1:0");
        await simulator.StartAsync();
        await using var exporter = TestExporter.Start(simulator.Urls.First(), new Dictionary<string, string?>
        {
            ["Cirrus:Http:RateLimitPerSecond"] = $"{2 * HiddenLimit}",
            ["Cirrus:Http:RateIncreaseInterval"] = "00:00:01",
            ["Cirrus:Http:RateIncreaseStep"] = "2",
            ["Cirrus:Http:MaxConcurrency"] = "16",
        });

        var started = DateTimeOffset.UtcNow;
        var cycles = 0;
        Exposition scrape;
        do
        {
            Assert.True(await exporter.RefreshAllAsync(), $"cycle {cycles + 1} lost data: "
                + string.Join("\n", exporter.Logs.Lines.TakeLast(5)));
            cycles++;
            scrape = await exporter.ScrapeAsync();
        }
        while (cycles < 3 || (DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(20) && cycles < 12));

        var attempts = scrape.Family("cirrus_api_requests_total");
        var throttled = attempts.Where(kv => kv.Key.Contains("code=429")).Sum(kv => kv.Value);
        var total = attempts.Values.Sum();
        Assert.True(throttled > 0, "the ceiling is above the hidden limit, so the limit must have been met");
        Assert.True(throttled < 0.1 * total, $"{throttled} of {total} attempts throttled: the rate did not come down");
        var rate = scrape.Value("cirrus_api_request_rate_limit");
        // A sawtooth around the limit, well under the ceiling: halved on a 429, then climbing again. The simulator's
        // bucket holds a second's worth of calls, so the rate climbs past the limit for some seconds before its first
        // 429 (to about 1.3 times the limit at 2/s a second), and a scrape may catch it anywhere on the way.
        Assert.InRange(rate!.Value, HiddenLimit / 2.0, HiddenLimit * 1.5);

        Assert.All(scrape.Family("cirrus_collector_success").Values, v => Assert.Equal(1, v));
        Assert.Equal(Streams, scrape.Family("cirrus_stream_oldest_open_object_age_seconds").Count);
        Assert.Equal(scrape.Family("cirrus_stream_info").Count,
            scrape.Family("cirrus_stream_availability_state_code").Count);
    }
}
