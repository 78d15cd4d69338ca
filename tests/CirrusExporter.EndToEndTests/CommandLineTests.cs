using CirrusExporter.TestSupport;

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
    [InlineData("--Cirrus:MaxDataAge=soon", "Cirrus:MaxDataAge: 'soon' is not a duration; use hh:mm:ss, e.g. 00:05:00")]
    [InlineData("--Cirrus:Http:MaxConcurrency=0", "Cirrus:Http:MaxConcurrency must be between 1 and 256")]
    [InlineData("--Cirrus:Colectors:Objects:Enabled=false", "'Colectors' in section Cirrus")]
    [InlineData("--Web:ListenAddress=nowhere", "Web:ListenAddress must be host:port")]
    [InlineData("--Cirrus:BaseUrl=ftp://api.example", "Cirrus:BaseUrl must be an absolute https:// URL")]
    public async Task Check_config_rejects_a_bad_value_with_one_line_naming_the_key(string arg, string expected)
    {
        var (code, _, stderr) = await ExporterProcess.RunAsync(
            new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" }, "--check-config", arg);
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
        var (code, _, stderr) = await ExporterProcess.RunAsync(null, "--demo", "--once", "--Log:Format=Json",
            "--Log:Level=Debug");
        Assert.Equal(0, code);
        var events = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var refreshed = events.Where(e => e.GetProperty("msg")
            .GetString()!.StartsWith("Collector ", StringComparison.Ordinal)
            && e.GetProperty("msg").GetString()!.Contains(" refreshed in ", StringComparison.Ordinal))
            .Select(e => e.GetProperty("Collector").GetString()).Order().ToList();
        // --demo turns every collector on.
        Assert.Equal(Registered.Labels.Order(), refreshed);
        // As other exporters' JSON logs: a level name and the rendered message on every line.
        Assert.All(events,
            e => Assert.Contains(e.GetProperty("level").GetString(), new[] { "debug", "info", "warn", "error" }));
        Assert.Contains(events, e => e.GetProperty("level").GetString() == "debug"
            && e.GetProperty("msg").GetString() == "Collector stream_stats refreshed in "
            + e.GetProperty("DurationSeconds").GetDouble()
            .ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s (0 retries)");
    }

    [Theory]
    [InlineData("-check-config", "unknown flag -check-config; did you mean --check-config?")]
    [InlineData("--verison", "unknown flag --verison; did you mean --version?")]
    [InlineData("--web.listen_address=:1", "unknown flag --web.listen_address; did you mean --web.listen-address?")]
    [InlineData("--Cirus:ApiToken=t",
        "unknown configuration section 'Cirus' in --Cirus:ApiToken; did you mean --Cirrus:ApiToken?")]
    [InlineData("--Logging:LogLevel:Default=Debug", "unknown configuration section 'Logging'")]
    [InlineData("--log.level=trace", "--log.level must be one of debug, info, warn, error, not 'trace'")]
    [InlineData("check-config", "unexpected argument 'check-config'")]
    public async Task An_unknown_flag_or_section_on_the_command_line_is_refused_with_the_nearest_spelling(string arg,
        string expected)
    {
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(
            new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" }, "--check-config", arg);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task An_unknown_section_in_appsettings_json_is_refused_but_the_environment_may_hold_anything()
    {
        var dir = Directory.CreateTempSubdirectory("cirrus-sections-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "appsettings.json"), """{ "Logging": { "LogLevel": """
                + """{ "Default": "Information" } }, "AllowedHosts": "*", "Cirus": { "MaxStreams": 5 } }""");
            var environment = new Dictionary<string, string>
            {
                ["Cirrus__ApiToken"] = "t", ["Unrelated__Key"] = "x",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:1"
            };
            var (code, _, stderr) = await ExporterProcess.RunInAsync(dir.FullName, environment, "--check-config");
            Assert.Equal(2, code);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("unknown section 'Cirus' in appsettings.json; did you mean Cirrus?", line);

            File.WriteAllText(Path.Combine(dir.FullName, "appsettings.json"), """{ "Logging": { "LogLevel": """
                + """{ "Default": "Information" } }, "AllowedHosts": "*", "Cirrus": { "MaxStreams": 5 } }""");
            var (ok, stdout, okErr) = await ExporterProcess.RunInAsync(dir.FullName, environment, "--check-config");
            Assert.True(ok == 0, okErr);
            Assert.Contains("configuration OK", stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Version_prints_version_revision_and_runtime_and_exits_without_polling()
    {
        // No token and an API that is not there: anything but printing the version would fail or wait.
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(null, "--version",
            "--Cirrus:BaseUrl=http://127.0.0.1:1");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^cirrus-exporter, version \d+\.\d+\.\d+\S* \(revision: \S+\)$", lines[0]);
        Assert.Equal($"  runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}", lines[1]);
    }

    [Fact]
    public async Task Exporter_toolkit_flags_set_the_keys_they_alias_in_both_spellings()
    {
        var port = ExporterProcess.FreePort();
        await using var exporter = ExporterProcess.StartRaw("--demo", $"--web.listen-address=:{port}",
            "--web.telemetry-path", "/probe/metrics",
            "--log.level", "warn", "--log.format=json");
        exporter.Port = port;
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var (status, body) = await exporter.GetAsync("/probe/metrics");
        Assert.Equal(200, status);
        Assert.True(TestSupport.Exposition.Parse(body).HasFamily("cirrus_exporter_build_info"));
        Assert.Equal(404, (await exporter.GetAsync("/metrics")).Status);
        Assert.Contains("<a href=\"probe/metrics\">/probe/metrics</a>", (await exporter.GetAsync("/")).Body);

        // :port is every interface: the exporter answers on loopback's address too. At warn, the start line is
        // still written, as JSON with a level name; Information lines otherwise are not.
        var lines = exporter.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var start = Assert.Single(lines,
            l => l.GetProperty("msg").GetString()!.StartsWith("Starting cirrus-exporter", StringComparison.Ordinal));
        Assert.Equal("info", start.GetProperty("level").GetString());
        Assert.Contains($"listening on :{port} (metrics at /probe/metrics)", start.GetProperty("msg").GetString());
        Assert.Contains("demo yes", start.GetProperty("msg").GetString());
        Assert.Contains("collectors availability every 30 s, stream_stats every 30 s",
            start.GetProperty("msg").GetString());
        Assert.DoesNotContain(lines, l => l.GetProperty("level").GetString() is "debug");
    }

    [Fact]
    public async Task A_token_sent_over_plain_http_to_another_host_is_warned_about_at_start()
    {
        // 192.0.2.1 (TEST-NET-1) is never answered: only the start-up lines matter.
        await using var exporter = ExporterProcess.Start("--Cirrus:ApiToken=t", "--Cirrus:BaseUrl=http://192.0.2.1:1",
            "--Cirrus:Http:AttemptTimeout=00:00:01");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!exporter.Output.Contains("Starting cirrus-exporter") && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
        await Task.Delay(500);
        var warning = Assert.Single(exporter.Output.Split('\n'), l => l.Contains("plain http"));
        Assert.Contains("WRN Cirrus:BaseUrl http://192.0.2.1:1 is plain http to another host", warning);
        Assert.DoesNotContain("plain http", (await ExporterProcessOutputOfDemoAsync()));
    }

    private static async Task<string> ExporterProcessOutputOfDemoAsync()
    {
        await using var demo = ExporterProcess.Start("--demo");
        await demo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return demo.Output;
    }

    [Fact]
    public async Task Once_exits_non_zero_when_a_collector_fails()
    {
        var port = ExporterProcess.FreePort(); // nothing listens there
        var (code, stdout, stderr) = await ExporterProcess.RunAsync(
            new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" },
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
            var (up, _, _) = await ExporterProcess.RunAsync(null, "healthcheck",
                $"--Web:ListenAddress=0.0.0.0:{exporter.Port}");
            Assert.Equal(0, up);
        }
        var (down, _, _) = await ExporterProcess.RunAsync(null, "healthcheck",
            $"--Web:ListenAddress=0.0.0.0:{ExporterProcess.FreePort()}");
        Assert.Equal(1, down);
    }
}
