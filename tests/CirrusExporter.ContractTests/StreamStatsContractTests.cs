using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;

namespace CirrusExporter.ContractTests;

public sealed class StreamStatsContractTests : IDisposable
{
    private readonly Upstream _api = new();

    private static readonly Dictionary<string, string?> StatsOnly = Settings.Only("stream_stats");

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Documented_sample_becomes_one_series_per_stream_module_and_status()
    {
        _api.Json("/stats/streams", Upstream.Sample("stats-streams.json"));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly);

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double>
        {
            ["module=chat,status=open,stream_id=11345,sub_stream_id=0"] = 12,
            ["module=chat,status=in_process,stream_id=11345,sub_stream_id=0"] = 5,
            ["module=whatsapp,status=open,stream_id=11346,sub_stream_id=12"] = 31,
            ["module=whatsapp,status=pending,stream_id=11346,sub_stream_id=12"] = 2,
        }, metrics.Family("cirrus_stream_objects"));
        Assert.Equal(new Dictionary<string, double>
        {
            ["module=chat,name=11345,stream_id=11345,sub_stream_id=0"] = 1,
            ["module=whatsapp,name=11346,stream_id=11346,sub_stream_id=12"] = 1,
        }, metrics.Family("cirrus_stream_info"));
        Assert.Equal(1, metrics.Value("cirrus_collector_success", "collector", "stream_stats"));
        Assert.Equal(1, metrics.Value("cirrus_up"));
        Assert.Equal(1, metrics.Value("cirrus_api_requests_total", "endpoint", "stream_stats", "code", "200"));
        // No Cirrus:Tenant: every cirrus_* series names the API host as its tenant.
        Assert.Equal([new Uri(_api.Url).Host], metrics.Tenants);
        Assert.Contains("Bearer " + TestExporter.Token,
            _api.Server.LogEntries.Single().RequestMessage.Headers!["Authorization"]);
    }

    [Fact]
    public async Task Status_as_string_any_casing_and_numbers_as_strings_are_accepted()
    {
        _api.Json("/stats/streams", """
            {"Status":"200","Description":"ok","Response_Time":"2026-11-27T09:15:02","DATA":[
              {"ModuleId":"9","STREAMID":"7","substreamid":"0","statusID":1,"C":"41"},
              {"moduleId":14.0,"streamId":8,"statusId":"15","count":3}]}
            """);
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly);

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.Equal(new Dictionary<string, double>
        {
            ["module=chat,status=open,stream_id=7,sub_stream_id=0"] = 41,
            ["module=sms,status=pending,stream_id=8,sub_stream_id=0"] = 3,
        }, (await exporter.ScrapeAsync()).Family("cirrus_stream_objects"));
    }

    [Fact]
    public async Task Unknown_module_and_status_ids_become_unknown_labels_and_names_are_overridable()
    {
        _api.Json("/stats/streams", Upstream.Envelope("""[{"moduleId":99,"streamId":5,"subStreamId":0,"statusId":"""
            + """42,"c":1},{"moduleId":9,"streamId":5,"subStreamId":0,"statusId":1,"c":2}]"""));
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>(StatsOnly)
        {
            ["Cirrus:StatusNames:1"] = "new",
            ["Cirrus:ModuleNames:9"] = "webchat",
        });

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.Equal(new Dictionary<string, double>
        {
            ["module=unknown_99,status=unknown_42,stream_id=5,sub_stream_id=0"] = 1,
            ["module=webchat,status=new,stream_id=5,sub_stream_id=0"] = 2,
        }, (await exporter.ScrapeAsync()).Family("cirrus_stream_objects"));
    }

    [Fact]
    public async Task A_status_that_empties_keeps_a_zero_series_and_a_vanished_stream_loses_all_its_series()
    {
        _api.Sequence("/stats/streams",
            r => r.WithBody(Upstream.Envelope("""[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":4},"""
            + """{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":8,"c":2},"""
            + """{"moduleId":13,"streamId":2,"subStreamId":0,"statusId":1,"c":7}]""")),
            r => r.WithBody(Upstream.Envelope("""[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":5}]""")));
        _api.Json("/streams/1/streamavailability", Upstream.Envelope("""{"state":1}"""));
        _api.Json("/streams/2/streamavailability", Upstream.Envelope("""{"state":2}"""));
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>
        {
            ["Cirrus:Collectors:SlaExceptions:Enabled"] = "false",
            ["Cirrus:Collectors:Objects:Enabled"] = "false",
        });

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.True(await exporter.RefreshAsync("availability"));
        var before = await exporter.ScrapeAsync();
        Assert.Equal(2, before.Value("cirrus_stream_availability_state_code", "stream_id", "2"));

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var after = await exporter.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double>
        {
            ["module=chat,status=open,stream_id=1,sub_stream_id=0"] = 5,
            ["module=chat,status=in_process,stream_id=1,sub_stream_id=0"] = 0,
        }, after.Family("cirrus_stream_objects"));
        Assert.DoesNotContain(after.Samples, s => s.Labels.TryGetValue("stream_id", out var id) && id == "2");
        Assert.Equal(1, after.Value("cirrus_stream_availability_state_code", "stream_id", "1"));
    }

    [Fact]
    public async Task Configured_streams_keep_their_name_and_are_not_dropped_when_absent_upstream()
    {
        _api.Json("/stats/streams", Upstream.Envelope("[]"));
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>(StatsOnly)
        {
            ["Cirrus:DiscoverStreams"] = "false",
            ["Cirrus:Streams:0:Id"] = "11345",
            ["Cirrus:Streams:0:Name"] = "Web \"chat\"",
        });

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(new Dictionary<string, double>
        {
            ["module=,name=Web \"chat\",stream_id=11345,sub_stream_id=0"] = 1
        }, metrics.Family("cirrus_stream_info"));
        Assert.Empty(metrics.Family("cirrus_stream_objects"));
    }
}

/// <summary>The collector kit's tests for stream_stats, from the documented sample.</summary>
public sealed class StreamStatsKitTests : CollectorKit
{
    protected override CollectorDescriptor Collector => StreamStatsCollector.Descriptor;

    protected override string Path => "/stats/streams";

    protected override string Answer => Upstream.Sample("stats-streams.json");

    protected override IReadOnlyDictionary<string, Dictionary<string, double>> Expected { get; } =
        new Dictionary<string, Dictionary<string, double>>
        {
            ["cirrus_stream_objects"] = new()
            {
                ["module=chat,status=open,stream_id=11345,sub_stream_id=0"] = 12,
                ["module=chat,status=in_process,stream_id=11345,sub_stream_id=0"] = 5,
                ["module=whatsapp,status=open,stream_id=11346,sub_stream_id=12"] = 31,
                ["module=whatsapp,status=pending,stream_id=11346,sub_stream_id=12"] = 2,
            },
        };

    /// <summary>The stream source discovers the streams itself.</summary>
    protected override Dictionary<string, string?> Settings() => ContractTests.Settings.Only(Collector.Label);
}
