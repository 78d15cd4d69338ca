using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;

namespace CirrusExporter.ContractTests;

/// <summary>
/// First responses timed in the stream's open hours, as the availability collector saw them, and the conversations
/// still waiting for one. Stream 11345 is an e-mail stream (module 6, target 95 % within 4 h) as /stats/streams reports
/// it.
/// </summary>
public sealed class BusinessTimeTests : IDisposable
{
    private const string Objects = "/streams/11345/objects";
    private const string Availability = "/streams/11345/streamavailability";
    private readonly Upstream _api = new();
    // a Thursday evening
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 18, 30, 0, TimeSpan.Zero));

    public BusinessTimeTests()
    {
        _api.Clock = _time;
        _api.Json("/stats/streams",
            Upstream.Envelope("""[{"moduleId":6,"streamId":11345,"subStreamId":0,"statusId":1,"c":3}]"""));
    }

    public void Dispose() => _api.Dispose();

    private TestExporter Start()
    {
        var settings = Settings.Only("conversations", ("Cirrus:DiscoverStreams", "true"),
            ("Cirrus:MaxDataAge", "01:00:00"));
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        settings.Remove(Registered.Collector("availability").Key("Enabled"));
        return TestExporter.Start(_api.Url, settings, _time);
    }

    private static Func<IResponseBuilder, IResponseBuilder> Body(string data) =>
        r => r.WithHeader("Content-Type", "application/json").WithBody(Upstream.Envelope(data));

    private static string Item(long id, string created, string updated, int status = 1, string? answered = null,
        string? closed = null) =>
        $$"""{"objectId":{{id}},"statusId":"""
            + $$"""{{status}},"createdTime":"{{created}}","updatedTime":"{{updated}}","firstResponseTime":"""
            + $$"""{{(answered is null ? "null" : $"\"{answered}\"")}},"closedTime":"""
            + $$"""{{(closed is null ? "null" : $"\"{closed}\"")}}}""";

    [Fact]
    public async Task An_overnight_email_answered_in_the_morning_counts_its_open_minutes_not_fourteen_hours()
    {
        // Polled every 30 min from 18:30: closed (3) until 08:30, open (1) from 09:00. The e-mail came at 19:00 and was
        // answered at 09:05; it is read in the 09:30 window.
        const int closedPolls = 29;
        _api.Sequence(Availability,
            [.. Enumerable.Repeat(Body("""{"state":3}"""), closedPolls), Body("""{"state":1}""")]);
        _api.Sequence(Objects, [.. Enumerable.Repeat(Body("[]"), closedPolls + 1),
            Body("[" + Item(7, "2026-11-26T19:00:00Z", "2026-11-27T09:05:00Z", answered: "2026-11-27T09:05:00Z") + "]"),
            Body("[]")]);
        await using var exporter = Start();

        for (var poll = 0; poll <= closedPolls + 1; poll++)
        {
            Assert.True(await exporter.RefreshAllAsync());
            _time.Advance(TimeSpan.FromMinutes(30));
        }

        var scrape = await exporter.ScrapeAsync();
        string[] stream = ["stream_id", "11345", "module", "mailbox_connector"];
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_total", stream));
        // Seen closed from 18:30 to 08:30 (the last closed poll; when it opened after that is unknown, so it counts as
        // open): 19:00 to 09:05 less 19:00 to 08:30 is 35 minutes, within the 4 h target.
        Assert.Equal(35 * 60, scrape.Value("cirrus_stream_first_response_seconds_sum", stream));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_within_target_total", stream));
    }

    [Fact]
    public async Task Polls_further_apart_than_max_data_age_do_not_count_as_closed_between_them()
    {
        // Closed at 18:30 and at 20:30, but nothing was seen in between: the two hours count as open.
        _api.Sequence(Availability, Body("""{"state":3}"""), Body("""{"state":3}"""), Body("""{"state":1}"""));
        _api.Sequence(Objects, Body("[]"), Body("[" + Item(7, "2026-11-26T18:40:00Z", "2026-11-26T20:30:00Z",
            answered: "2026-11-26T20:30:00Z") + "]"), Body("[]"));
        await using var exporter = Start();

        Assert.True(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromHours(2));
        Assert.True(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(110 * 60, scrape.Value("cirrus_stream_first_response_seconds_sum", "stream_id", "11345"));
    }

    [Fact]
    public async Task An_unanswered_queue_shows_as_awaiting_with_its_oldest_age_before_it_is_cleared()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero));
        var first = Item(1, "2026-11-27T09:10:00Z", "2026-11-27T09:10:00Z");
        var second = Item(2, "2026-11-27T09:12:00Z", "2026-11-27T09:12:00Z");
        var bot = Item(3, "2026-11-27T09:05:00Z", "2026-11-27T09:13:00Z", status: 11);
        _api.Json(Availability, Upstream.Envelope("""{"state":1}"""));
        _api.Sequence(Objects,
            Body($"[{bot},{first},{second}]"),
            Body("[" + Item(1, "2026-11-27T09:10:00Z", "2026-11-27T09:15:30Z", answered: "2026-11-27T09:15:30Z") + "]"),
            Body("[" + Item(2, "2026-11-27T09:12:00Z", "2026-11-27T09:16:10Z", status: 2,
            closed: "2026-11-27T09:16:10Z") + "]"));
        await using var exporter = Start();
        string[] awaiting = ["stream_id", "11345", "sub_stream_id", "0", "module", "mailbox_connector"];
        string[] oldest = ["stream_id", "11345", "sub_stream_id", "0"];

        Assert.True(await exporter.RefreshAllAsync());
        var scrape = await exporter.ScrapeAsync();
        // The bot's conversation (status 11 automated) waits on nobody.
        Assert.Equal(2, scrape.Value("cirrus_stream_conversations_awaiting_first_response", awaiting));
        Assert.Equal(300, scrape.Value("cirrus_stream_oldest_awaiting_first_response_age_seconds", oldest));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await exporter.RefreshAllAsync());
        scrape = await exporter.ScrapeAsync();
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_awaiting_first_response", awaiting));
        Assert.Equal(240, scrape.Value("cirrus_stream_oldest_awaiting_first_response_age_seconds", oldest));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await exporter.RefreshAllAsync());
        scrape = await exporter.ScrapeAsync();
        Assert.Equal(0, scrape.Value("cirrus_stream_conversations_awaiting_first_response", awaiting));
        Assert.Equal(0, scrape.Value("cirrus_stream_oldest_awaiting_first_response_age_seconds", oldest));
    }

    [Fact]
    public async Task A_queue_waiting_overnight_ages_only_in_open_hours()
    {
        // An e-mail arrived at 18:20, the stream was seen closed from 18:30 on: at 20:30 it has waited 2 h 10 min on
        // the wall clock and 10 minutes of open time.
        _api.Json(Availability, Upstream.Envelope("""{"state":3}"""));
        _api.Json(Objects, Upstream.Envelope("[" + Item(1, "2026-11-26T18:20:00Z", "2026-11-26T18:20:00Z") + "]"));
        await using var exporter = Start();

        for (var poll = 0; poll <= 4; poll++)
        {
            Assert.True(await exporter.RefreshAllAsync());
            if (poll < 4) _time.Advance(TimeSpan.FromMinutes(30));
        }

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_awaiting_first_response", "stream_id", "11345"));
        Assert.Equal(600,
            scrape.Value("cirrus_stream_oldest_awaiting_first_response_age_seconds", "stream_id", "11345"));
    }
}
