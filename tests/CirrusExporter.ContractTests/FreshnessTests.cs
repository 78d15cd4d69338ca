using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The background scheduler on a fake clock: refresh on interval, freshness, withdrawal after MaxDataAge
/// and the /readyz transitions.
/// </summary>
public sealed class FreshnessTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly string Ok = Upstream.Envelope(
        """[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":6}]""");
    private readonly Upstream _api = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _api.Dispose();

    public FreshnessTests() => _api.Clock = _time;

    private TestExporter StartExporter() => TestExporter.Start(_api.Url, new Dictionary<string, string?>
    {
        ["Cirrus:Collectors:Availability:Enabled"] = "false",
        ["Cirrus:Collectors:SlaExceptions:Enabled"] = "false",
        ["Cirrus:Collectors:Objects:Enabled"] = "false",
        ["Cirrus:Collectors:StreamStats:Interval"] = "00:00:30",
        ["Cirrus:MaxDataAge"] = "00:02:00",
        // Back-off waits run on the fake clock; without retries a failed refresh ends at once.
        ["Cirrus:Http:MaxRetries"] = "0",
    }, _time, background: true);

    private static double? Success(Exposition m) => m.Value("cirrus_collector_success", "collector", "stream_stats");

    [Fact]
    public async Task Data_is_served_while_fresh_withdrawn_after_max_age_and_back_after_recovery()
    {
        _api.Json("/stats/streams", Ok);
        await using var exporter = StartExporter();

        var first = await exporter.ScrapeUntilAsync(m => Success(m) == 1, attempts: 200);
        Assert.Equal(6, first.Value("cirrus_stream_objects", "stream_id", "1"));
        Assert.Equal(Start.ToUnixTimeSeconds(),
            first.Value("cirrus_collector_last_success_timestamp_seconds", "collector", "stream_stats"));
        Assert.Equal(1, first.Value("cirrus_up"));
        Assert.Equal(200, (await exporter.GetWithStatusAsync("/readyz")).Status);

        // The API starts failing: the next refresh fails, but the last good data stays while younger than MaxDataAge.
        _api.Server.ResetMappings();
        _api.Json("/stats/streams", "{}", 500);
        _time.Advance(TimeSpan.FromSeconds(30));
        var failing = await exporter.ScrapeUntilAsync(m => Success(m) == 0, attempts: 200);
        Assert.Equal(6, failing.Value("cirrus_stream_objects", "stream_id", "1"));
        Assert.Equal(1, failing.Value("cirrus_up"));

        _time.Advance(TimeSpan.FromSeconds(60));
        var still = await exporter.ScrapeUntilAsync(_ => _api.Calls("/stats/streams") >= 4, attempts: 200);
        Assert.True(still.HasFamily("cirrus_stream_objects"));

        // 2 min 30 s after the last success the data is older than MaxDataAge: withdrawn, not ready.
        _time.Advance(TimeSpan.FromSeconds(60));
        var stale = await exporter.ScrapeUntilAsync(m => !m.HasFamily("cirrus_stream_objects"), attempts: 200);
        Assert.Equal(0, stale.Value("cirrus_up"));
        Assert.Equal(Start.ToUnixTimeSeconds(),
            stale.Value("cirrus_collector_last_success_timestamp_seconds", "collector", "stream_stats"));
        var (status, body) = await exporter.GetWithStatusAsync("/readyz");
        Assert.Equal(503, status);
        Assert.Contains("stream_stats", body);

        // Recovery: the next successful refresh republishes and the exporter is ready again.
        _api.Server.ResetMappings();
        _api.Json("/stats/streams", Ok);
        _time.Advance(TimeSpan.FromSeconds(30));
        var back = await exporter.ScrapeUntilAsync(m => m.HasFamily("cirrus_stream_objects"), attempts: 200);
        Assert.Equal(1, back.Value("cirrus_up"));
        Assert.Equal(Start.AddMinutes(3).ToUnixTimeSeconds(),
            back.Value("cirrus_collector_last_success_timestamp_seconds", "collector", "stream_stats"));
        Assert.Equal(200, (await exporter.GetWithStatusAsync("/readyz")).Status);
    }

    [Fact]
    public async Task Readyz_is_503_until_the_first_refresh_succeeds()
    {
        _api.Json("/stats/streams", "{}", 503);
        await using var exporter = StartExporter();

        await exporter.ScrapeUntilAsync(m => Success(m) == 0, attempts: 200);
        var (status, body) = await exporter.GetWithStatusAsync("/readyz");
        Assert.Equal(503, status);
        Assert.Contains("no fresh data from stream_stats", body);
        Assert.Equal(200, (await exporter.GetWithStatusAsync("/healthz")).Status);

        _api.Server.ResetMappings();
        _api.Json("/stats/streams", Ok);
        _time.Advance(TimeSpan.FromSeconds(30));
        await exporter.ScrapeUntilAsync(m => Success(m) == 1, attempts: 200);
        Assert.Equal(200, (await exporter.GetWithStatusAsync("/readyz")).Status);
    }

    [Fact]
    public async Task Help_text_names_the_source_and_the_refresh_interval()
    {
        _api.Json("/stats/streams", Ok);
        await using var exporter = StartExporter();

        var metrics = await exporter.ScrapeUntilAsync(m => Success(m) == 1, attempts: 200);
        Assert.Contains("# HELP cirrus_stream_objects Conversations (objects) in the stream, by status. Source: GET "
            + "/stats/streams field c. Refreshed every 30 s.", metrics.Text);
        Assert.Contains("# TYPE cirrus_stream_objects gauge", metrics.Text);
    }
}
