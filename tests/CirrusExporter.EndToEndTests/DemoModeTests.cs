using CirrusExporter.TestSupport;

namespace CirrusExporter.EndToEndTests;

/// <summary>The README's first command: the exporter in --demo mode against the built-in simulator.</summary>
public sealed class DemoModeTests
{
    /// <summary>Every registered collector: --demo turns each on, so each must be served by the simulator.</summary>
    private static readonly string[] ExporterCollectors = [.. Registered.Labels];

    // Every collector every second asks more of the API than the default request rate allows (the rate spaces calls
    // evenly), so the rate limit is lifted: the simulator costs nothing.
    private static readonly string[] Fast =
        [
            "--demo", "--Cirrus:Http:RateLimitPerSecond=0",
            .. Registered.Collectors.Select(d => $"--{d.Key("Interval")}=00:00:01"),
        ];

    private static readonly string[] ContractFamilies =
    [
        "cirrus_stream_availability_state", "cirrus_stream_availability_state_code", "cirrus_stream_objects",
        "cirrus_stream_sla_exception_objects", "cirrus_stream_sla_critical_objects",
            "cirrus_stream_oldest_open_object_age_seconds",
        "cirrus_stream_info", "cirrus_up", "cirrus_collector_success",
            "cirrus_collector_last_success_timestamp_seconds",
        "cirrus_collector_duration_seconds", "cirrus_api_requests_total", "cirrus_api_request_duration_seconds_bucket",
        "cirrus_exporter_build_info",
    ];

    [Fact]
    public async Task Demo_mode_serves_every_contract_family_with_plausible_changing_values()
    {
        await using var exporter = ExporterProcess.Start(Fast);
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var first = await exporter.ScrapeAsync();
        foreach (var family in ContractFamilies) Assert.True(first.HasFamily(family), $"{family} missing");
        var failed = ExporterCollectors.Where(c => first.Value("cirrus_collector_success", "collector", c) != 1);
        Assert.True(!failed.Any(), "in --demo these collectors did not succeed (does the simulator serve their "
            + $"routes?): {string.Join(", ", failed)}");
        Assert.Equal(1, first.Value("cirrus_up"));

        // The demo tenant: eight streams, named, across several modules; one inactive; states one-hot.
        var info = first.Samples.Where(s => s.Name == "cirrus_stream_info").ToList();
        Assert.Contains(info, s => s.Labels["name"] == "Web chat" && s.Labels["stream_id"] == "11345");
        Assert.Contains(info, s => s.Labels["name"] == "WhatsApp" && s.Labels["sub_stream_id"] == "12");
        Assert.True(info.Select(s => s.Labels["module"]).Distinct().Count() >= 4);
        Assert.Equal(0, first.Value("cirrus_stream_availability_state_code", "stream_id", "11360"));
        foreach (var code in first.Samples.Where(s => s.Name == "cirrus_stream_availability_state_code"))
        {
            Assert.InRange(code.Value, 0, 3);
            var oneHot = first.Samples.Where(s => s.Name == "cirrus_stream_availability_state"
                && s.Labels["stream_id"] == code.Labels["stream_id"]
                && s.Labels["sub_stream_id"] == code.Labels["sub_stream_id"]).ToList();
            Assert.Equal(4, oneHot.Count);
            Assert.Equal(1, oneHot.Sum(s => s.Value));
        }
        Assert.All(first.Samples.Where(s => s.Name.StartsWith("cirrus_stream_", StringComparison.Ordinal)),
            s => Assert.True(s.Value >= 0));
        Assert.True(first.Family("cirrus_stream_objects").Values.Sum() > 0);

        // Values move on: the simulated tenant keeps running and the collectors keep refreshing.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var second = await exporter.ScrapeAsync();
        Assert.All(ExporterCollectors, c => Assert.True(
            second.Value("cirrus_collector_last_success_timestamp_seconds", "collector",
            c) > first.Value("cirrus_collector_last_success_timestamp_seconds", "collector", c),
            $"collector {c} did not refresh again within 3 s at a 1 s interval"));
        var ages = first.Family("cirrus_stream_oldest_open_object_age_seconds");
        Assert.Contains(second.Family("cirrus_stream_oldest_open_object_age_seconds"),
            kv => ages.TryGetValue(kv.Key, out var before) && before > 0 && kv.Value > before);
        Assert.True(second.Value("cirrus_api_requests_total", "endpoint", "stream_stats", "code",
            "200") > first.Value("cirrus_api_requests_total", "endpoint", "stream_stats", "code", "200"));

        var (status, page) = await exporter.GetAsync("/");
        Assert.Equal(200, status);
        Assert.Contains("Demo mode", page);
        Assert.Contains("SIMULATED", exporter.Output);
    }
}
