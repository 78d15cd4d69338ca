using System.Diagnostics;
using System.Security.Cryptography;
using CirrusExporter.Configuration;
using CirrusSimulator;

namespace CirrusExporter.EndToEndTests;

/// <summary>Configuration reload on SIGHUP and POST /-/reload, on the real binary reading appsettings.json.</summary>
public sealed class ReloadTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cirrus-reload-");

    public void Dispose() => _dir.Delete(recursive: true);

    private void WriteSettings(string json) => File.WriteAllText(Path.Combine(_dir.FullName, "appsettings.json"), json);

    private static async Task WaitForAsync(ExporterProcess exporter, string text, int occurrences = 1)
    {
        var watch = Stopwatch.StartNew();
        while (Count(exporter.Output, text) < occurrences)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"no '{text}' "
                    + $"({(exporter.HasExited ? "the exporter has exited" : "the exporter runs")}) "
                    + $"in:\n{exporter.Output}");
            }
            await Task.Delay(100);
        }
    }

    private static int Count(string haystack, string needle) => haystack.Split(needle).Length - 1;

    [Fact]
    public async Task Sighup_applies_collectors_and_intervals_keeps_counters_and_refuses_a_bad_configuration()
    {
        WriteSettings("""{ "Cirrus": { "MaxDataAge": "00:05:00" } }""");
        await using var exporter = ExporterProcess.StartIn(_dir.FullName, "--demo");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var before = await exporter.ScrapeAsync();
        Assert.NotNull(before.Value("cirrus_collector_success", "collector", "objects"));
        Assert.Equal(1, before.Value("cirrus_config_last_reload_successful"));
        var loaded = before.Value("cirrus_config_last_reload_success_timestamp_seconds")!.Value;
        var conversations = before.Family("cirrus_stream_conversations_total").Values.Sum();

        WriteSettings("""{ "Cirrus": { "Collectors": { "Objects": { "Enabled": false }, "Availability": """
            + """{ "Interval": "00:00:07" } } }, "Web": { "MaxConcurrentScrapes": 3 } }""");
        exporter.Hangup();
        await WaitForAsync(exporter, "Configuration reloaded (SIGHUP)");

        var (_, body) = await exporter.GetAsync("/metrics");
        var after = TestSupport.Exposition.Parse(body);
        Assert.False(exporter.HasExited);
        Assert.Null(after.Value("cirrus_collector_success", "collector", "objects"));
        Assert.False(after.HasFamily("cirrus_stream_oldest_open_object_age_seconds"));
        Assert.Contains("streamavailability data.state. Refreshed every 7 s.", body);
        Assert.True(after.Family("cirrus_stream_conversations_total").Values.Sum() >= conversations,
            "counters of streams that stay are kept");
        Assert.Equal(1, after.Value("cirrus_config_last_reload_successful"));
        Assert.True(after.Value("cirrus_config_last_reload_success_timestamp_seconds") > loaded);
        Assert.Contains("read only at start, which keep their running values until a restart: Web:MaxConcurrentScrapes",
            exporter.Output);

        WriteSettings("""{ "Cirrus": { "MaxDataAge": "00:00:01" } }""");
        exporter.Hangup();
        await WaitForAsync(exporter, "Configuration reload (SIGHUP) refused");
        var refused = await exporter.ScrapeAsync();
        Assert.False(exporter.HasExited);
        Assert.Equal(0, refused.Value("cirrus_config_last_reload_successful"));
        // the previous configuration still runs
        Assert.Null(refused.Value("cirrus_collector_success", "collector", "objects"));
        Assert.Single(exporter.Output.Split('\n'), l => l.Contains("refused", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", exporter.Output);

        // The lifecycle API is off unless enabled.
        using var post = await exporter.Http.PostAsync("/-/reload", null);
        Assert.Equal(403, (int)post.StatusCode);
    }

    [Fact]
    public async Task Post_reload_with_the_lifecycle_api_enabled_applies_status_names_and_collectors()
    {
        WriteSettings("""{ "Cirrus": { "Collectors": { "Availability": { "Enabled": false }, "Objects": { "Enabled": """
            + """false } } } }""");
        await using var exporter = ExporterProcess.StartIn(_dir.FullName, "--demo", "--web.enable-lifecycle");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var before = await exporter.ScrapeAsync();
        Assert.True(before.HasFamily("cirrus_stream_sla_exception_objects"));
        // A status the simulated tenant has now, renamed by its id.
        var sample = before.Samples.First(x => x.Name == "cirrus_stream_objects");
        var (stream, status) = (sample.Labels["stream_id"], sample.Labels["status"]);
        var id = BuiltInNames.Statuses.Single(kv => kv.Value == status).Key;

        WriteSettings($$"""{ "Cirrus": { "StatusNames": { "{{id}}": "renamed" }, "Collectors": { "Availability": """
            + """{ "Enabled": false }, "Objects": { "Enabled": false }, "SlaExceptions": { "Enabled": false } } } }""");
        using var post = await exporter.Http.PostAsync("/-/reload", null);
        Assert.Equal(200, (int)post.StatusCode);
        Assert.Equal("configuration reloaded\n", await post.Content.ReadAsStringAsync());
        var after = await exporter.ScrapeAsync();
        Assert.NotNull(after.Value("cirrus_stream_objects", "stream_id", stream, "status", "renamed"));
        Assert.Null(after.Value("cirrus_stream_objects", "stream_id", stream, "status", status));
        Assert.False(after.HasFamily("cirrus_stream_sla_exception_objects"));

        WriteSettings("""{ "Cirrus": { "MaxStreams": 0 } }""");
        using var bad = await exporter.Http.PostAsync("/-/reload", null);
        Assert.Equal(500, (int)bad.StatusCode);
        Assert.Contains("Cirrus:MaxStreams must be at least 1", await bad.Content.ReadAsStringAsync());

        WriteSettings("{ \"Cirrus\": { ");
        using var broken = await exporter.Http.PostAsync("/-/reload", null);
        Assert.Equal(500, (int)broken.StatusCode);
        Assert.Contains($"{Path.Combine(_dir.FullName, "appsettings.json")} is not valid JSON: line 1, column",
            await broken.Content.ReadAsStringAsync());
        Assert.False(exporter.HasExited);
    }

    [Fact]
    public async Task Sighup_applies_a_change_of_streams_and_keeps_the_counters_of_the_streams_that_stay()
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var tokenFile = Path.Combine(_dir.FullName, "token");
        File.WriteAllText(tokenFile, token);
        // A weekday morning on the simulated clock: the streams have traffic whatever the hour the suite runs.
        await using var simulator = SimulatorHost.Create(
            new SimulatorOptions
            {
                Token = token,
                StartTime = new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero)
            }, "http://127.0.0.1:0");
        await simulator.StartAsync();
        string Settings(string streams) =>
            $$"""{ "Cirrus": { "BaseUrl": "{{simulator.Urls.First()}}", "ApiTokenFile": "{{tokenFile}}", """ + $$"""
            "DiscoverStreams": false,
                          "Collectors": { "Conversations": { "Enabled": true } }, "Streams": [ {{streams}} ] } }
            """;
        WriteSettings(
            Settings("""{ "Id": 11345, "Name": "Chat" }, { "Id": 11346, "SubStreams": [ 12 ] }, { "Id": 11347 }"""));
        await using var exporter = ExporterProcess.StartIn(_dir.FullName);
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var before = await exporter.ScrapeAsync();
        Assert.Equal(["11345", "11346", "11347"], StreamIds(before));
        var chat = before.Family("cirrus_stream_conversations_total").Where(x => x.Key.Contains("stream_id=11345"))
            .Sum(x => x.Value);
        Assert.True(chat > 0, "the chat stream has counted conversations before the reload");

        // 11347 leaves, 11353 joins, 11346 gains a sub-stream, 11345 is renamed.
        WriteSettings(Settings(
            """{ "Id": 11345, "Name": "Web chat" }, { "Id": 11346, "SubStreams": [ 12, 14 ] }, { "Id": 11353 }"""));
        exporter.Hangup();
        await WaitForAsync(exporter, "Configuration reloaded (SIGHUP)");
        var after = await exporter.ScrapeAsync();

        Assert.Equal(["11345", "11346", "11353"], StreamIds(after));
        Assert.NotNull(after.Value("cirrus_stream_info", "stream_id", "11345", "name", "Web chat"));
        Assert.Null(after.Value("cirrus_stream_info", "stream_id", "11345", "name", "Chat"));
        Assert.NotNull(
            after.Value("cirrus_stream_availability_state_code", "stream_id", "11346", "sub_stream_id", "14"));
        Assert.DoesNotContain(after.Samples, x => x.Labels.TryGetValue("stream_id", out var id) && id == "11347");
        Assert.True(after.Family("cirrus_stream_conversations_total").Where(x => x.Key.Contains("stream_id=11345"))
            .Sum(x => x.Value) >= chat,
            "the counters of a stream that stays are kept");
    }

    private static string[] StreamIds(TestSupport.Exposition exposition) =>
        [.. exposition.Samples.Where(x => x.Name == "cirrus_stream_info").Select(x => x.Labels["stream_id"]).Distinct()
            .Order()];
}
