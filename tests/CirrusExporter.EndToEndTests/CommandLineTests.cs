namespace CirrusExporter.EndToEndTests;

/// <summary>The exporter's command line: configuration errors, --check-config, --once and healthcheck.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Without_a_token_or_demo_it_refuses_to_start_with_one_line_naming_the_key()
    {
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(null);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Cirrus:ApiToken is required", line);
        Assert.Contains("--demo", line);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--Cirrus:MaxDataAge=soon", "'Cirrus:MaxDataAge'")]
    [InlineData("--Cirrus:Http:MaxConcurrency=0", "Cirrus:Http:MaxConcurrency must be between 1 and 256")]
    [InlineData("--Cirrus:Colectors:Objects:Enabled=false", "'Colectors' in section Cirrus")]
    [InlineData("--Web:ListenAddress=nowhere", "Web:ListenAddress must be host:port")]
    [InlineData("--Cirrus:BaseUrl=ftp://api.example", "Cirrus:BaseUrl must be an absolute https:// URL")]
    public async Task Check_config_rejects_a_bad_value_with_one_line_naming_the_key(string arg, string expected)
    {
        var (code, _, stderr) = await ExporterProcess.RunAsync(new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" }, "--check-config", arg);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Check_config_accepts_a_valid_configuration_from_the_environment()
    {
        var (code, stdout, _) = await ExporterProcess.RunAsync(new Dictionary<string, string>
        {
            ["Cirrus__ApiToken"] = "t",
            ["Cirrus__Streams__0__Id"] = "11345",
            ["Cirrus__Streams__0__SubStreams__0"] = "12",
        }, "--check-config");
        Assert.Equal(0, code);
        Assert.Contains("configuration OK", stdout);
    }

    [Fact]
    public async Task Once_prints_the_exposition_and_exits_zero_when_every_collector_succeeds()
    {
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(null, "--demo", "--once");
        Assert.True(code == 0, stderr);
        var metrics = TestSupport.Exposition.Parse(stdout);
        Assert.Equal(1, metrics.Value("cirrus_up"));
        Assert.True(metrics.Family("cirrus_stream_availability_state_code").Count >= 8);
        Assert.DoesNotContain("cirrus_", stderr.Replace("cirrus-exporter", ""));
    }

    [Fact]
    public async Task Json_logging_writes_one_json_object_per_line_with_a_line_per_refresh_at_debug()
    {
        var (code, _, stderr) = await ExporterProcess.RunAsync(null, "--demo", "--once", "--Log:Format=Json", "--Log:Level=Debug");
        Assert.Equal(0, code);
        var events = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var refreshed = events.Where(e => e.GetProperty("@mt").GetString()!.StartsWith("Collector {Collector} refreshed", StringComparison.Ordinal))
            .Select(e => e.GetProperty("Collector").GetString()).Order().ToList();
        Assert.Equal(["availability", "conversations", "objects", "sla_exceptions", "stream_stats"], refreshed);
    }

    [Fact]
    public async Task Once_exits_non_zero_when_a_collector_fails()
    {
        var port = ExporterProcess.FreePort(); // nothing listens there
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" },
            "--once", $"--Cirrus:BaseUrl=http://127.0.0.1:{port}", "--Cirrus:Http:MaxRetries=0");
        Assert.Equal(1, code);
        Assert.Equal(0, TestSupport.Exposition.Parse(stdout).Value("cirrus_up"));
        Assert.Contains("network error", stderr);
    }

    [Fact]
    public async Task Healthcheck_reports_whether_the_local_exporter_answers()
    {
        await using (var exporter = ExporterProcess.Start("--demo"))
        {
            await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));
            var (up, _, _) = await ExporterProcess.RunAsync(null, "healthcheck", $"--Web:ListenAddress=0.0.0.0:{exporter.Port}");
            Assert.Equal(0, up);
        }
        var (down, _, _) = await ExporterProcess.RunAsync(null, "healthcheck", $"--Web:ListenAddress=0.0.0.0:{ExporterProcess.FreePort()}");
        Assert.Equal(1, down);
    }
}
