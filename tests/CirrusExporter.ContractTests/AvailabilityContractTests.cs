using CirrusExporter.Collectors.Availability;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

public sealed class AvailabilityContractTests : IDisposable
{
    private readonly Upstream _api = new();

    private static Dictionary<string, string?> AvailabilityOnly(params (string Key, string Value)[] extra) =>
        Settings.OnlyForStream11345("availability", extra);

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task State_object_becomes_one_hot_and_code_and_query_parameters_are_sent()
    {
        _api.Json("/streams/11345/streamavailability", Upstream.Sample("availability.json"));
        await using var exporter = TestExporter.Start(_api.Url, AvailabilityOnly());

        Assert.True(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double>
        {
            ["state=inactive,stream_id=11345,sub_stream_id=0"] = 0,
            ["state=available,stream_id=11345,sub_stream_id=0"] = 0,
            ["state=busy,stream_id=11345,sub_stream_id=0"] = 1,
            ["state=unavailable,stream_id=11345,sub_stream_id=0"] = 0,
        }, metrics.Family("cirrus_stream_availability_state"));
        Assert.Equal(2, metrics.Value("cirrus_stream_availability_state_code", "stream_id", "11345"));
        var query = _api.Queries("/streams/11345/streamavailability").Single();
        Assert.Equal("true", query["ignoreAutomationExsistance"].Single());
        Assert.Equal("false", query["autoAssign"].Single());
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("\"0\"", 0)]
    [InlineData("""{"State":"1","agents":[{"id":1}]}""", 1)]
    [InlineData("""{"STATE":2}""", 2)]
    public async Task Bare_numbers_strings_and_detailed_objects_are_accepted(string data, int expected)
    {
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope(data));
        await using var exporter = TestExporter.Start(_api.Url, AvailabilityOnly());

        Assert.True(await exporter.RefreshAsync("availability"));
        Assert.Equal(expected,
            (await exporter.ScrapeAsync()).Value("cirrus_stream_availability_state_code", "stream_id", "11345"));
    }

    [Theory]
    [InlineData("7")]
    [InlineData("""{"status":"busy"}""")]
    [InlineData("null")]
    public async Task Out_of_range_or_missing_states_fail_the_collector(string data)
    {
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope(data));
        await using var exporter = TestExporter.Start(_api.Url, AvailabilityOnly());

        Assert.False(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();
        Assert.False(metrics.HasFamily("cirrus_stream_availability_state_code"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "availability"));
    }

    [Fact]
    public async Task Sub_streams_are_polled_on_the_sub_stream_path_with_their_own_labels()
    {
        _api.Json("/streams/11345/substreams/12/streamavailability", Upstream.Envelope("""{"state":1}"""));
        _api.Json("/streams/11345/substreams/13/streamavailability", Upstream.Envelope("""{"state":3}"""));
        await using var exporter = TestExporter.Start(_api.Url,
            AvailabilityOnly(("Cirrus:Streams:0:SubStreams:0", "12"), ("Cirrus:Streams:0:SubStreams:1", "13")));

        Assert.True(await exporter.RefreshAsync("availability"));
        Assert.Equal(new Dictionary<string, double>
        {
            ["stream_id=11345,sub_stream_id=12"] = 1,
            ["stream_id=11345,sub_stream_id=13"] = 3,
        }, (await exporter.ScrapeAsync()).Family("cirrus_stream_availability_state_code"));
        Assert.Equal(0, _api.Calls("/streams/11345/streamavailability"));
    }

    [Fact]
    public async Task A_stream_answering_404_loses_its_series_while_the_others_are_published()
    {
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope("""{"state":1}"""));
        _api.Json("/streams/999/streamavailability",
            """{"status":404,"description":"Not Found","response_time":"2026-11-27T09:15:02.258Z"}""", status: 404);
        await using var exporter = TestExporter.Start(_api.Url, AvailabilityOnly(("Cirrus:Streams:1:Id", "999")));

        Assert.False(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(new Dictionary<string, double> { ["stream_id=11345,sub_stream_id=0"] = 1 },
            metrics.Family("cirrus_stream_availability_state_code"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "availability"));
        Assert.Equal(1, _api.Calls("/streams/999/streamavailability"));
        Assert.Equal(1, metrics.Value("cirrus_api_requests_total", "endpoint", "availability", "code", "404"));
        var warnings = exporter.Logs.AtLeast(Serilog.Events.LogEventLevel.Warning);
        Assert.True(warnings.Any(l => l.Contains("1 stream call(s) failed") && l.Contains("HTTP 404")),
            string.Join("\n", warnings));
    }

    [Fact]
    public async Task A_stream_whose_call_fails_keeps_its_last_state_until_it_is_max_data_age_old()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope("""{"state":1}"""));
        _api.Json("/streams/999/streamavailability", Upstream.Envelope("""{"state":2}"""));
        await using var exporter = TestExporter.Start(_api.Url,
            AvailabilityOnly(("Cirrus:Streams:1:Id", "999"), ("Cirrus:MaxDataAge", "00:02:00"),
            ("Cirrus:Http:MaxRetries", "0")), time);
        Assert.True(await exporter.RefreshAsync("availability"));

        // Stream 999 is throttled from now on; 11345 keeps answering.
        _api.Server.ResetMappings();
        _api.Json("/streams/999/streamavailability", """{"status":429}""", status: 429);
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope("""{"state":3}"""));
        time.Advance(TimeSpan.FromSeconds(90));
        Assert.False(await exporter.RefreshAsync("availability"));
        var carried = await exporter.ScrapeAsync();
        Assert.Equal(new Dictionary<string, double>
        {
            ["stream_id=11345,sub_stream_id=0"] = 3,
            ["stream_id=999,sub_stream_id=0"] = 2,
        }, carried.Family("cirrus_stream_availability_state_code"));
        Assert.Equal(0, carried.Value("cirrus_collector_success", "collector", "availability"));
        Assert.Equal(1, carried.Value("cirrus_up"));

        // 2 min 30 s after its last answer, past MaxDataAge: only 999's series goes.
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(await exporter.RefreshAsync("availability"));
        Assert.Equal(new Dictionary<string, double> { ["stream_id=11345,sub_stream_id=0"] = 3 },
            (await exporter.ScrapeAsync()).Family("cirrus_stream_availability_state_code"));

        // Once it answers again it is back.
        _api.Server.ResetMappings();
        _api.Json("/streams/11345/streamavailability", Upstream.Envelope("""{"state":3}"""));
        _api.Json("/streams/999/streamavailability", Upstream.Envelope("""{"state":0}"""));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await exporter.RefreshAsync("availability"));
        Assert.Equal(0,
            (await exporter.ScrapeAsync()).Value("cirrus_stream_availability_state_code", "stream_id", "999"));
    }
}

/// <summary>The collector kit's tests for availability, from the documented sample.</summary>
public sealed class AvailabilityKitTests : CollectorKit
{
    protected override CollectorDescriptor Collector => AvailabilityCollector.Descriptor;

    protected override string Path => "/streams/11345/streamavailability";

    protected override string Answer => Upstream.Sample("availability.json");

    protected override IReadOnlyDictionary<string, Dictionary<string, double>> Expected { get; } =
        new Dictionary<string, Dictionary<string, double>>
        {
            ["cirrus_stream_availability_state_code"] = new() { ["stream_id=11345,sub_stream_id=0"] = 2 },
        };
}
