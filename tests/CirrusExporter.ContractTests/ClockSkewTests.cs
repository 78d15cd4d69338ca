using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;

namespace CirrusExporter.ContractTests;

/// <summary>
/// An exporter whose clock runs 10 minutes ahead of the API's: the API's Date header gives the skew, and every
/// window and age is measured on the API's clock, so conversations are still counted and ages are not inflated.
/// </summary>
public sealed class ClockSkewTests : IDisposable
{
    private const string Objects = "/streams/11345/objects";
    private static readonly DateTimeOffset ApiNow = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ahead = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _api = new(ApiNow);
    private readonly Upstream _upstream;

    public ClockSkewTests()
    {
        _upstream = new Upstream(_api);
        _upstream.Json("/stats/streams",
            Upstream.Envelope("""[{"moduleId":9,"streamId":11345,"subStreamId":0,"statusId":1,"c":3}]"""));
    }

    public void Dispose() => _upstream.Dispose();

    private static Func<IResponseBuilder, IResponseBuilder> Page(string items) =>
        r => r.WithHeader("Content-Type", "application/json").WithBody(Upstream.Envelope("[" + items + "]"));

    [Fact]
    public async Task Conversations_are_counted_on_the_api_clock_when_the_exporter_runs_ten_minutes_ahead()
    {
        // Created 09:15:20 and answered 09:15:40 by the API's clock, read in the second window.
        var answered = """{"objectId":7,"statusId":1,"createdTime":"2026-11-27T09:15:"""
            + """20Z","updatedTime":"2026-11-27T09:15:40Z","firstResponseTime":"2026-11-27T09:15:40Z","closedTime":"""
            + """null}""";
        _upstream.Sequence(Objects, Page(""), Page(answered), Page(""));
        var settings = Settings.Only("conversations", ("Cirrus:DiscoverStreams", "true"));
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        await using var exporter = TestExporter.Start(_upstream.Url, settings, new OffsetTime(_api, Ahead));

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await exporter.RefreshAllAsync());
            _api.Advance(TimeSpan.FromSeconds(60));
        }

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_total", "stream_id", "11345"));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
        Assert.Equal(20, scrape.Value("cirrus_stream_first_response_seconds_sum", "stream_id", "11345"));
        Assert.Equal(1,
            scrape.Value("cirrus_stream_conversations_first_responded_within_target_total", "stream_id", "11345"));
        // The windows are the API's minutes: the first reaches one overlap back from 09:15, each next one follows on.
        Assert.Equal(
            [(ApiNow.AddMinutes(-2), ApiNow), (ApiNow.AddMinutes(-2), ApiNow.AddMinutes(1)),
            (ApiNow.AddMinutes(-1), ApiNow.AddMinutes(2))],
            _upstream.Queries(Objects).Select(q => (
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(q["unixStartTime"].Single())),
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(q["unixEndTime"].Single())))));
        Assert.Equal(600, scrape.Value("cirrus_api_clock_skew_seconds"));
    }

    [Fact]
    public async Task The_oldest_open_age_is_measured_on_the_api_clock()
    {
        _upstream.Json(Objects, Upstream.Sample("stream-objects.json"));
        await using var exporter = TestExporter.Start(_upstream.Url,
            Settings.OnlyForStream11345("objects"), new OffsetTime(_api, Ahead));

        // The first call measures the skew; the second refresh uses it.
        Assert.True(await exporter.RefreshAsync("objects"));
        Assert.True(await exporter.RefreshAsync("objects"));

        var scrape = await exporter.ScrapeAsync();
        // createdTime 2026-11-27T08:41:10Z, 33 min 50 s before the API's 09:15, not 43 min 50 s.
        Assert.Equal(2030, scrape.Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
        Assert.Equal(600, scrape.Value("cirrus_api_clock_skew_seconds"));
        Assert.Equal(ApiNow.ToUnixTimeSeconds().ToString(), _upstream.Queries(Objects)[^1]["unixEndTime"].Single());
    }

    [Fact]
    public async Task An_exporter_clock_behind_the_api_gives_a_negative_skew_and_no_conversation_time_counts_as_future()
    {
        _upstream.Json(Objects, Upstream.Sample("stream-objects.json"));
        await using var exporter = TestExporter.Start(_upstream.Url,
            Settings.OnlyForStream11345("objects"), new OffsetTime(_api, -Ahead));

        Assert.True(await exporter.RefreshAsync("objects"));
        Assert.True(await exporter.RefreshAsync("objects"));

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(2030, scrape.Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
        Assert.Equal(-600, scrape.Value("cirrus_api_clock_skew_seconds"));
    }

    /// <summary>The exporter's clock: the API's plus a fixed offset, advancing with it.</summary>
    private sealed class OffsetTime(TimeProvider api, TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => api.GetUtcNow() + offset;

        public override long GetTimestamp() => api.GetTimestamp();

        public override long TimestampFrequency => api.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            api.CreateTimer(callback, state, dueTime, period);
    }
}
