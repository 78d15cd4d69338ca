using System.Text;
using CirrusExporter.Http;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CirrusExporter.TestSupport.HostileUpstream;

namespace CirrusExporter.ContractTests;

/// <summary>
/// How the bytes of an answer arrive: with a UTF-8 byte order mark, or compressed (asked for or not). Each is
/// read as the JSON it carries; the size limit applies to what the body decodes to.
/// </summary>
public sealed class UpstreamEncodingTests : IDisposable
{
    private const string StatsPath = "/stats/streams";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly string Stats = Upstream.Envelope(
        """[{"moduleId":9,"streamId":11345,"subStreamId":0,"statusId":1,"c":6}]""");
    private readonly Upstream _api = new();

    public void Dispose() => _api.Dispose();

    private void WithBom(string path, string body) =>
        _api.Respond(path, r => r.WithHeader("Content-Type", "application/json")
            .WithBody([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body)]));

    [Fact]
    public async Task Bodies_starting_with_a_utf8_byte_order_mark_are_read_by_every_collector()
    {
        WithBom(StatsPath, Stats);
        WithBom("/stats/streamsSLAExceptions", Upstream.Envelope(
            """{"Item1":[{"moduleId":9,"streamId":11345,"subStreamId":0,"statusId":1,"c":2}],"Item2":[]}"""));
        WithBom("/streams/11345/streamavailability", Upstream.Envelope("""{"state":2}"""));
        // One body for both readers of /objects: the oldest open conversation, created 10 minutes ago and answered
        // since.
        WithBom("/streams/11345/objects", Upstream.Envelope(
            """[{"objectId":1,"statusId":1,"createdTime":"2026-11-27T09:05:00Z","updatedTime":"2026-11-27T09:14:00Z","firstResponseTime":"2026-11-27T09:14:00Z"}]"""));
        var settings = Registered.Collectors.ToDictionary(d => d.Key("Enabled"), _ => (string?)"true");
        var time = new FakeTimeProvider(Now);
        _api.Clock = time;
        await using var exporter = TestExporter.Start(_api.Url, settings, time);

        Assert.True(await exporter.RefreshAllAsync());

        var metrics = await exporter.ScrapeAsync();
        Assert.All(Registered.Collectors,
            d => Assert.Equal(1, metrics.Value("cirrus_collector_success", "collector", d.Label)));
        Assert.Equal(6, metrics.Value("cirrus_stream_objects", "stream_id", "11345"));
        Assert.Equal(2, metrics.Value("cirrus_stream_sla_exception_objects", "stream_id", "11345"));
        Assert.Equal(2, metrics.Value("cirrus_stream_availability_state_code", "stream_id", "11345"));
        Assert.Equal(600, metrics.Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
        Assert.Equal(1, metrics.Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
    }

    [Fact]
    public async Task Every_request_offers_gzip_deflate_and_brotli()
    {
        _api.Json(StatsPath, Stats);
        await using var exporter = TestExporter.Start(_api.Url, Settings.Only("stream_stats"));

        Assert.True(await exporter.RefreshAsync("stream_stats"));

        // Every attempt, a retry under load included.
        var requests = _api.Server.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal("gzip, deflate, br", string.Join(", ", r.Headers!["Accept-Encoding"])));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_compressed_answer_is_decoded(string encoding)
    {
        await using var api = new HostileUpstream();
        api.On(StatsPath, Encoded(Stats, encoding));
        await using var exporter = TestExporter.Start(api.Url, Settings.Only("stream_stats"));

        Assert.True(await exporter.RefreshAsync("stream_stats"));

        Assert.Equal(6, (await exporter.ScrapeAsync()).Value("cirrus_stream_objects", "stream_id", "11345"));
    }

    [Fact]
    public async Task A_gzip_bomb_is_cut_off_at_the_decoded_size_limit_and_rejected_as_too_large()
    {
        await using var api = new HostileUpstream();
        api.On(StatsPath, GzipBomb(1L << 30));
        await using var exporter = TestExporter.Start(api.Url,
            Settings.Only("stream_stats", ("Cirrus:Http:MaxResponseBytes", "1048576")));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        Assert.False(await exporter.RefreshAsync("stream_stats"));

        // Decoding the whole gigabyte would allocate at least that much; the limit stops it after one mebibyte.
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocated, 0, 256L << 20);
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(1, api.Calls(StatsPath));
        Assert.Equal(1,
            metrics.Value("cirrus_api_responses_rejected_total", "endpoint", "stream_stats", "reason", "too_large"));
        Assert.Contains(exporter.Logs.Lines, l => l.Contains(
            "stream_stats: response larger than Cirrus:Http:MaxResponseBytes (1048576 bytes; more arrived)"));
        Assert.Equal(0, exporter.Services.GetRequiredService<ResponseBodyBudget>().InUse);
    }
}
