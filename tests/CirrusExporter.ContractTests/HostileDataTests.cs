using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace CirrusExporter.ContractTests;

/// <summary>
/// Upstream data that is well-formed JSON but hostile or huge: ambiguous keys, invalid ids, impossible times,
/// conflicting shapes, tens of thousands of streams or statuses. Nothing made up is published.
/// </summary>
public sealed class HostileDataTests : IDisposable
{
    private const string StatsPath = "/stats/streams";
    private readonly Upstream _api = new();

    public void Dispose() => _api.Dispose();

    private static void AssertWarned(TestExporter exporter, string text)
    {
        var warnings = exporter.Logs.AtLeast(LogEventLevel.Warning);
        Assert.True(warnings.Any(l => l.Contains(text)), $"no warning with '{text}'; warnings were:\n"
            + string.Join("\n", warnings));
    }

    private static string StatRow(long stream, int status, long c, int module = 9) =>
        $$"""{"moduleId":{{module}},"streamId":{{stream}},"subStreamId":0,"statusId":{{status}},"c":{{c}}}""";

    [Theory]
    [InlineData("""{"status":200,"data":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":12,"c":999}]}""",
        "ambiguous JSON")]
    [InlineData(
        """{"status":500,"status":200,"data":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":12}]}""",
        "ambiguous JSON")]
    [InlineData(
        """{"status":500,"Status":200,"data":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":12}]}""",
        "key 'status' appears more than once")]
    [InlineData("""{"status":200,"data":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":12,"C":999}]}""",
        "key 'c' appears more than once")]
    public async Task A_body_with_a_key_repeated_is_rejected_as_ambiguous(string body, string reason)
    {
        _api.Json(StatsPath, body);
        await using var exporter = TestExporter.Start(_api.Url, Settings.Only("stream_stats"));

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.False(metrics.HasFamily("cirrus_stream_objects"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "stream_stats"));
        AssertWarned(exporter, reason);
    }

    [Fact]
    public async Task Rows_with_stream_ids_of_zero_or_below_are_left_out_logged_and_counted()
    {
        _api.Json(StatsPath, Upstream.Envelope($"[{StatRow(-5, 1, 3)},{StatRow(0, 1, 4)},{StatRow(42, 1, 5)},"
            + """{"moduleId":9,"streamId":43,"subStreamId":-2,"statusId":1,"c":6}]"""));
        _api.Json("/streams/42/streamavailability", Upstream.Envelope("""{"state":1}"""));
        await using var exporter = TestExporter.Start(_api.Url,
            Settings.Only("stream_stats", ("Cirrus:Collectors:Availability:Enabled", "true")));

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.True(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(["module=chat,status=open,stream_id=42,sub_stream_id=0"],
            metrics.Family("cirrus_stream_objects").Keys);
        Assert.Equal(["stream_id=42,sub_stream_id=0"], metrics.Family("cirrus_stream_availability_state_code").Keys);
        Assert.Equal(3,
            metrics.Value("cirrus_rows_ignored_total", "collector", "stream_stats", "reason", "invalid_stream_id"));
        Assert.Equal(1, _api.Server.LogEntries.Count(e => e.RequestMessage.Path.StartsWith("/streams/")));
        AssertWarned(exporter,
            "ignored 3 row(s) (\"invalid_stream_id\"), first: \"stream_stats: row with streamId -5, subStreamId 0\"");
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2026-10-01T00:00:00Z")]
    [InlineData("2027-01-01T00:00:00Z")]
    public async Task A_created_time_outside_the_look_back_window_is_ignored_not_turned_into_an_age(string created)
    {
        var now = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
        _api.Json("/streams/11345/objects", Upstream.Envelope(
            $$"""[{"objectId":1,"statusId":1,"createdTime":"{{created}}"},"""
            + """{"objectId":2,"statusId":1,"createdTime":"2026-11-27T09:05:00Z"}]"""));
        _api.Clock = new FakeTimeProvider(now);
        await using var exporter = TestExporter.Start(_api.Url,
            Settings.OnlyForStream11345("objects", ("Cirrus:Collectors:Objects:PageSize", "2")), _api.Clock);

        Assert.True(await exporter.RefreshAsync("objects"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(600, metrics.Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
        Assert.Equal(1,
            metrics.Value("cirrus_rows_ignored_total", "collector", "objects", "reason", "time_out_of_range"));
        AssertWarned(exporter, "(\"time_out_of_range\"), first: \"stream 11345: object 1 createdTime");
    }

    [Theory]
    [InlineData(
        """{"Item1":[],"Item2":[],"Exceptions":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":4}]}""")]
    [InlineData("""[{"Item1":[]},{"Exceptions":[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":4}]}]""")]
    public async Task Sla_data_in_two_conflicting_shapes_is_an_error(string data)
    {
        _api.Json("/stats/streamsSLAExceptions", Upstream.Envelope(data));
        await using var exporter = TestExporter.Start(_api.Url, Settings.OnlyForStream11345("sla_exceptions"));

        Assert.False(await exporter.RefreshAsync("sla_exceptions"));
        var metrics = await exporter.ScrapeAsync();
        Assert.False(metrics.HasFamily("cirrus_stream_sla_exception_objects"));
        AssertWarned(exporter, "ambiguous");
    }

    [Fact]
    public async Task Ten_thousand_unknown_statuses_export_at_most_the_cap_of_unknown_values_and_count_the_rest()
    {
        // Statuses 1..10,000 on one stream: 14 have names, 9,986 would be unknown_N.
        _api.Json(StatsPath,
            Upstream.Envelope("[" + string.Join(",", Enumerable.Range(1, 10_000).Select(s => StatRow(7, s, 1))) + "]"));
        await using var exporter = TestExporter.Start(_api.Url,
            Settings.Only("stream_stats", ("Cirrus:MaxUnknownLabelValues", "20")));

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        var series = metrics.Family("cirrus_stream_objects").Keys.ToList();
        Assert.Equal(14 + 20, series.Count);
        Assert.Equal(20, series.Count(k => k.Contains("status=unknown_")));
        Assert.Equal(9_986 - 20, metrics.Value("cirrus_label_values_folded_total", "label", "status"));
        Assert.Equal(0, metrics.Value("cirrus_label_values_folded_total", "label", "module"));

        // A second refresh neither counts the same ids again nor swaps which unknown ids are exported.
        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var again = await exporter.ScrapeAsync();
        Assert.Equal(series, again.Family("cirrus_stream_objects").Keys.ToList());
        Assert.Equal(9_986 - 20, again.Value("cirrus_label_values_folded_total", "label", "status"));
    }

    [Fact]
    public async Task Fifty_thousand_discovered_streams_are_capped_and_the_configured_stream_is_published_every_cycle()
    {
        const long configured = 9_000_000;
        _api.Json(StatsPath,
            Upstream.Envelope("[" + string.Join(",", Enumerable.Range(1, 50_000).Select(s => StatRow(s, 1, 2))) + "]"));
        _api.Respond("/streams/*", r => r.WithBody(Upstream.Envelope("""{"state":1}""")));
        await using var exporter = TestExporter.Start(_api.Url, Settings.Only("stream_stats",
            ("Cirrus:Collectors:Availability:Enabled", "true"), ("Cirrus:MaxStreams", "10"),
            ("Cirrus:Streams:0:Id", configured.ToString())));

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            Assert.True(await exporter.RefreshAsync("stream_stats"));
            Assert.True(await exporter.RefreshAsync("availability"));
            var metrics = await exporter.ScrapeAsync();

            Assert.Equal(1, metrics.Value("cirrus_stream_availability_state_code", "stream_id", configured.ToString()));
            // The configured stream and the nine lowest discovered ids; the other 49,991 are dropped.
            Assert.Equal(10, metrics.Family("cirrus_stream_availability_state_code").Count);
            Assert.Equal(9, metrics.Family("cirrus_stream_objects").Count);
            Assert.Equal(2, metrics.Value("cirrus_stream_objects", "stream_id", "9"));
            Assert.Null(metrics.Value("cirrus_stream_objects", "stream_id", "10"));
            Assert.Equal(49_991, metrics.Value("cirrus_streams_dropped"));
            Assert.Equal(10 * cycle,
                _api.Server.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/streamavailability")));
        }
        Assert.Single(exporter.Logs.AtLeast(LogEventLevel.Warning), l => l.Contains("49991 stream(s) or sub-stream(s) "
            + "not watched: Cirrus:MaxStreams reached (10 watched, configured ones first)"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ten_thousand_sub_streams_of_one_stream_are_capped_at_max_streams_in_calls_and_series(
        bool configured)
    {
        // Stream 11345 with sub-streams 1..10,000 (and its whole-stream row), either listed in the configuration or
        // discovered.
        _api.Json(StatsPath, Upstream.Envelope("[" + string.Join(",", Enumerable.Range(0, 10_001)
            .Select(sub => $$"""{"moduleId":9,"streamId":11345,"subStreamId":{{sub}},"statusId":1,"c":1}""")) + "]"));
        _api.Respond("/streams/11345/*", r => r.WithBody(Upstream.Envelope("""{"state":1}""")));
        var settings = Settings.Only("stream_stats", ("Cirrus:Collectors:Availability:Enabled", "true"),
            ("Cirrus:MaxStreams", "50"));
        if (configured)
        {
            settings["Cirrus:DiscoverStreams"] = "false";
            settings["Cirrus:Streams:0:Id"] = "11345";
            for (var sub = 1; sub <= 10_000; sub++)
            {
                settings[$"Cirrus:Streams:0:SubStreams:{sub - 1}"] = sub.ToString(
                    System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        await using var exporter = TestExporter.Start(_api.Url, settings);

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            Assert.True(await exporter.RefreshAsync("stream_stats"));
            Assert.True(await exporter.RefreshAsync("availability"));
            var metrics = await exporter.ScrapeAsync();

            Assert.Equal(50 * cycle,
                _api.Server.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/streamavailability")));
            Assert.Equal(50, metrics.Family("cirrus_stream_availability_state_code").Count);
            Assert.Equal(50, metrics.Family("cirrus_stream_info").Count);
            Assert.Equal(50, metrics.Family("cirrus_stream_objects").Count);
            Assert.Equal(10_001 - 50, metrics.Value("cirrus_streams_dropped"));
        }
        Assert.Single(exporter.Logs.AtLeast(LogEventLevel.Warning), l => l.Contains("9951 stream(s) or sub-stream(s) "
            + "not watched: Cirrus:MaxStreams reached (50 watched, configured ones first)"));
    }

    [Fact]
    public async Task A_stream_that_changes_module_loses_the_series_of_its_old_module()
    {
        _api.Sequence(StatsPath,
            r => r.WithBody(Upstream.Envelope($"[{StatRow(42, 1, 3, module: 9)},{StatRow(42, 8, 1, module: 9)}]")),
            r => r.WithBody(Upstream.Envelope($"[{StatRow(42, 1, 2, module: 13)}]")));
        _api.Sequence("/stats/streamsSLAExceptions",
            r => r.WithBody(Upstream.Envelope($$"""{"Item1":[{{StatRow(42, 1, 1, module: 9)}}],"Item2":[]}""")),
            r => r.WithBody(Upstream.Envelope("""{"Item1":[],"Item2":[]}""")));
        await using var exporter = TestExporter.Start(_api.Url,
            Settings.Only("stream_stats", ("Cirrus:Collectors:SlaExceptions:Enabled", "true")));
        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.True(await exporter.RefreshAsync("sla_exceptions"));

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.True(await exporter.RefreshAsync("sla_exceptions"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(["module=whatsapp,status=open,stream_id=42,sub_stream_id=0"],
            metrics.Family("cirrus_stream_objects").Keys);
        Assert.Equal(["module=whatsapp,status=open,stream_id=42,sub_stream_id=0"],
            metrics.Family("cirrus_stream_sla_exception_objects").Keys);
        Assert.Equal(["module=whatsapp,name=42,stream_id=42,sub_stream_id=0"],
            metrics.Family("cirrus_stream_info").Keys);
    }

    [Fact]
    public async Task A_fan_out_past_its_deadline_publishes_the_streams_that_answered_and_fails()
    {
        _api.Json("/streams/1/streamavailability", Upstream.Envelope("""{"state":1}"""));
        _api.Json("/streams/2/streamavailability", Upstream.Envelope("""{"state":2}"""));
        _api.Respond("/streams/3/streamavailability",
            r => r.WithDelay(TimeSpan.FromSeconds(20)).WithBody(Upstream.Envelope("""{"state":3}""")));
        await using var exporter = TestExporter.Start(_api.Url, Settings.Only("availability",
            ("Cirrus:DiscoverStreams", "false"), ("Cirrus:Streams:0:Id", "1"), ("Cirrus:Streams:1:Id", "2"),
            ("Cirrus:Streams:2:Id", "3"),
            ("Cirrus:Collectors:Availability:Timeout", "00:00:04"), ("Cirrus:Http:AttemptTimeout", "00:00:30")));

        Assert.False(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(1, metrics.Value("cirrus_stream_availability_state_code", "stream_id", "1"));
        Assert.Equal(2, metrics.Value("cirrus_stream_availability_state_code", "stream_id", "2"));
        Assert.Null(metrics.Value("cirrus_stream_availability_state_code", "stream_id", "3"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "availability"));
        AssertWarned(exporter, "1 of 3 stream call(s) unanswered; the 2 that answered are published");
    }

    [Fact]
    public async Task With_discovery_only_and_the_stream_source_failing_the_per_stream_collectors_fail_too()
    {
        _api.Json(StatsPath, "{}", 500);
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>
        {
            ["Cirrus:Collectors:SlaExceptions:Enabled"] = "false",
            ["Cirrus:Http:MaxRetries"] = "0",
        });

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        Assert.False(await exporter.RefreshAsync("availability"));
        Assert.False(await exporter.RefreshAsync("objects"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "availability"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "objects"));
        AssertWarned(exporter, "availability: the stream source stream_stats has no fresh data");
        Assert.Equal(0, _api.Server.LogEntries.Count(e => e.RequestMessage.Path.StartsWith("/streams/")));
    }
}
