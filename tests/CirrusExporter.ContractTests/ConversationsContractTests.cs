using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The conversations collector against WireMock: its windows on updated time, their overlap, paging, deduplication
/// and its API cost. Stream 11345 is a chat stream (module 9) as /stats/streams reports it.
/// </summary>
public sealed class ConversationsContractTests : IDisposable
{
    private const string Objects = "/streams/11345/objects";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private readonly Upstream _api = new();
    private readonly FakeTimeProvider _time = new(Now);

    public ConversationsContractTests()
    {
        _api.Clock = _time;
        _api.Json("/stats/streams",
            Upstream.Envelope("""[{"moduleId":9,"streamId":11345,"subStreamId":0,"statusId":1,"c":3}]"""));
    }

    public void Dispose() => _api.Dispose();

    private TestExporter Start(params (string, string)[] extra)
    {
        var settings = Settings.Only("conversations", [("Cirrus:DiscoverStreams", "true"), .. extra]);
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        return TestExporter.Start(_api.Url, settings, _time);
    }

    private static long Unix(DateTimeOffset t) => t.ToUnixTimeSeconds();

    private static string Item(long id, string created, string updated, string? answered = null, string? closed = null)
        =>
        $$"""{"objectId":{{id}},"statusId":"""
            + $$"""1,"createdTime":"{{created}}","updatedTime":"{{updated}}","firstResponseTime":"""
            + $$"""{{(answered is null ? "null" : $"\"{answered}\"")}},"closedTime":"""
            + $$"""{{(closed is null ? "null" : $"\"{closed}\"")}}}""";

    private static Func<IResponseBuilder, IResponseBuilder> Page(params string[] items) =>
        r => r.WithHeader("Content-Type", "application/json")
            .WithBody(Upstream.Envelope("[" + string.Join(",", items) + "]"));

    private void PageNumber(int page, params string[] items) =>
        _api.Server.Given(Request.Create().WithPath(Objects).WithParam("pageNumber", page.ToString()).UsingGet())
            .RespondWith(Page(items)(Response.Create()));

    [Fact]
    public async Task Each_window_reads_updated_time_from_the_last_successful_window_end_less_the_overlap()
    {
        _api.Sequence(Objects, Page(), r => r.WithStatusCode(500), Page(), Page());
        await using var exporter = Start(("Cirrus:Http:MaxRetries", "0"));

        Assert.True(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await exporter.RefreshAllAsync());

        var queries = _api.Queries(Objects);
        Assert.All(queries, q =>
        {
            Assert.Equal("updatedtime", q["order"].Single());
            Assert.Equal("asc", q["sort"].Single());
            Assert.Equal("0", q["pageNumber"].Single());
            Assert.Equal("100", q["pageSize"].Single());
        });
        // The first window reaches one overlap (2 min) back; a failed window does not move the next one's start.
        Assert.Equal(
            [(Unix(Now) - 120, Unix(Now)), (Unix(Now) - 120, Unix(Now) + 60), (Unix(Now) - 120, Unix(Now) + 120),
            (Unix(Now), Unix(Now) + 180)],
            queries.Select(q => (long.Parse(q["unixStartTime"].Single()), long.Parse(q["unixEndTime"].Single()))));
    }

    [Fact]
    public async Task A_conversation_seen_in_three_overlapping_windows_counts_once()
    {
        var seen = Item(7, "2026-11-27T09:14:00Z", "2026-11-27T09:14:50Z", answered: "2026-11-27T09:14:20Z",
            closed: "2026-11-27T09:14:50Z");
        _api.Sequence(Objects, Page(seen), Page(seen), Page(seen));
        await using var exporter = Start(("Cirrus:Collectors:Conversations:Overlap", "00:05:00"));

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await exporter.RefreshAllAsync());
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(3, _api.Calls(Objects));
        var scrape = await exporter.ScrapeAsync();
        string[] stream = ["stream_id", "11345", "sub_stream_id", "0", "module", "chat"];
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_total", stream));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_total", stream));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_closed_total", stream));
        Assert.Equal(1, scrape.Value("cirrus_stream_first_response_seconds_count", stream));
        Assert.Equal(20, scrape.Value("cirrus_stream_first_response_seconds_sum", stream));
        Assert.Equal(0, scrape.Value("cirrus_stream_first_response_seconds_bucket", [.. stream, "le", "15"]));
        Assert.Equal(1, scrape.Value("cirrus_stream_first_response_seconds_bucket", [.. stream, "le", "30"]));
        Assert.Equal(1, scrape.Value("cirrus_stream_first_response_seconds_bucket", [.. stream, "le", "+Inf"]));
        Assert.Equal(50, scrape.Value("cirrus_stream_resolution_seconds_sum", stream));
        // Chat's default target: 90 % within 60 s; 20 s meets it.
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_within_target_total", stream));
        Assert.Equal(60, scrape.Value("cirrus_stream_first_response_slo_target_seconds", stream));
        Assert.Equal(0.9, scrape.Value("cirrus_stream_first_response_slo_objective_ratio", stream));
    }

    [Fact]
    public async Task Events_before_the_window_are_not_counted_again_when_the_conversation_changes_later()
    {
        // Answered two days ago and closed now: only the close is new.
        _api.Json(Objects, Upstream.Envelope("[" + Item(8, "2026-11-25T09:00:00Z", "2026-11-27T09:14:30Z",
            answered: "2026-11-25T09:01:00Z", closed: "2026-11-27T09:14:30Z") + "]"));
        await using var exporter = Start();

        Assert.True(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(0, scrape.Value("cirrus_stream_conversations_total", "stream_id", "11345"));
        Assert.Equal(0, scrape.Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_closed_total", "stream_id", "11345"));
        Assert.Equal(2 * 86400 + 870, scrape.Value("cirrus_stream_resolution_seconds_sum", "stream_id", "11345"));
    }

    [Fact]
    public async Task Conversations_with_impossible_times_are_ignored_and_counted_not_observed()
    {
        // The window starts at 09:13 (now less the 2 min overlap); only conversation 7 is possible.
        _api.Json(Objects, Upstream.Envelope("[" + string.Join(",",
            Item(1, "2026-11-27T09:14:00Z", "2026-11-27T09:14:30Z", answered: "2026-11-27T09:13:30Z"),
            Item(2, "2026-11-27T09:14:00Z", "2026-11-27T09:14:30Z", closed: "2026-11-27T09:13:30Z"),
            Item(3, "0001-01-01T00:00:00Z", "2026-11-27T09:14:30Z", answered: "2026-11-27T09:14:00Z",
            closed: "2026-11-27T09:14:10Z"),
            Item(4, "2099-01-01T00:00:00Z", "2026-11-27T09:14:30Z"),
            Item(5, "2026-11-27T09:14:00Z", "2026-11-27T09:14:30Z", answered: "2099-01-01T00:00:00Z"),
            Item(6, "2026-11-27T09:14:00Z", "2099-01-01T00:00:00Z", closed: "2099-01-01T00:00:00Z"),
            Item(7, "2026-11-27T09:14:00Z", "2026-11-27T09:14:40Z", answered: "2026-11-27T09:14:30Z",
            closed: "2026-11-27T09:14:40Z")) + "]"));
        await using var exporter = Start();

        Assert.True(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_total", "stream_id", "11345"));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
        Assert.Equal(1,
            scrape.Value("cirrus_stream_conversations_first_responded_within_target_total", "stream_id", "11345"));
        Assert.Equal(30, scrape.Value("cirrus_stream_first_response_seconds_sum", "stream_id", "11345"));
        Assert.Equal(1, scrape.Value("cirrus_stream_conversations_closed_total", "stream_id", "11345"));
        Assert.Equal(40, scrape.Value("cirrus_stream_resolution_seconds_sum", "stream_id", "11345"));
        Assert.Equal(6,
            scrape.Value("cirrus_rows_ignored_total", "collector", "conversations", "reason", "time_out_of_range"));
        Assert.Contains(exporter.Logs.AtLeast(Serilog.Events.LogEventLevel.Warning), l => l.Contains(
            "ignored 6 row(s) (\"time_out_of_range\"), first: \"stream 11345: object 1 firstResponseTime "
            + "2026-11-27T09:13:30.0000000+00:00 before createdTime 2026-11-27T09:14:00.0000000+00:00\""));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Paging_stops_at_the_first_short_page_so_calls_are_the_pages_of_changed_conversations(int changed)
    {
        const int pageSize = 2;
        var items = Enumerable.Range(1, changed)
            .Select(i => Item(i, $"2026-11-27T09:14:0{i}Z", $"2026-11-27T09:14:1{i}Z",
                answered: $"2026-11-27T09:14:1{i}Z")).ToList();
        for (var page = 0; page * pageSize <= changed; page++)
        {
            PageNumber(page, [.. items.Skip(page * pageSize).Take(pageSize)]);
        }
        await using var exporter = Start(("Cirrus:Collectors:Conversations:PageSize", pageSize.ToString()));

        Assert.True(await exporter.RefreshAllAsync());

        // Full pages, then one short (possibly empty) page: exactly changed / pageSize + 1 calls, not one more.
        Assert.Equal(changed / pageSize + 1, _api.Calls(Objects));
        Assert.Equal(Enumerable.Range(0, changed / pageSize + 1).Select(p => p.ToString()),
            _api.Queries(Objects).Select(q => q["pageNumber"].Single()));
        Assert.Equal(changed, (await exporter.ScrapeAsync())
            .Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
    }

    [Fact]
    public async Task When_more_changed_than_max_pages_the_next_window_continues_after_the_last_conversation_read()
    {
        PageNumber(0, Item(1, "2026-11-27T09:10:00Z", "2026-11-27T09:11:00Z"));
        await using var exporter = Start(("Cirrus:Collectors:Conversations:PageSize", "1"),
            ("Cirrus:Collectors:Conversations:MaxPages", "1"),
            ("Cirrus:Collectors:Conversations:Overlap", "00:00:30"));

        Assert.True(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await exporter.RefreshAllAsync());

        var second = _api.Queries(Objects)[1];
        Assert.Equal(Unix(new DateTimeOffset(2026, 11, 27, 9, 11, 0, TimeSpan.Zero)) - 30,
            long.Parse(second["unixStartTime"].Single()));
    }

    [Fact]
    public async Task Counters_never_decrease_across_refreshes()
    {
        _api.Sequence(Objects,
            Page(Item(1, "2026-11-27T09:14:00Z", "2026-11-27T09:14:10Z", answered: "2026-11-27T09:14:10Z")),
            Page(Item(2, "2026-11-27T09:15:10Z", "2026-11-27T09:15:40Z", answered: "2026-11-27T09:15:40Z")),
            Page());
        await using var exporter = Start();
        var counts = new List<double?>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await exporter.RefreshAllAsync());
            counts.Add((await exporter.ScrapeAsync())
                .Value("cirrus_stream_conversations_first_responded_total", "stream_id", "11345"));
            _time.Advance(TimeSpan.FromSeconds(60));
        }
        Assert.Equal([1, 2, 2], counts);
    }

    [Fact]
    public async Task An_item_without_an_object_id_fails_the_collector_and_publishes_nothing_made_up()
    {
        _api.Json(Objects, Upstream.Envelope(
            """[{"statusId":1,"createdTime":"2026-11-27T09:14:00Z","updatedTime":"2026-11-27T09:14:00Z"}]"""));
        await using var exporter = Start();

        Assert.False(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(0, scrape.Value("cirrus_collector_success", "collector", "conversations"));
        Assert.False(scrape.HasFamily("cirrus_stream_conversations_total"));
    }

    [Fact]
    public async Task Its_calls_count_under_its_own_endpoint_label_though_they_share_the_objects_route()
    {
        _api.Sequence(Objects, r => r.WithStatusCode(500), Page(),
            r => r.WithStatusCode(302).WithHeader("Location", "http://127.0.0.1:9/elsewhere"));
        await using var exporter = Start(("Cirrus:Http:MaxRetries", "0"));

        Assert.False(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await exporter.RefreshAllAsync());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(1, scrape.Value("cirrus_api_requests_total", "endpoint", "conversations", "code", "500"));
        Assert.Equal(1, scrape.Value("cirrus_api_requests_total", "endpoint", "conversations", "code", "200"));
        Assert.Equal(1,
            scrape.Value("cirrus_api_responses_rejected_total", "endpoint", "conversations", "reason", "redirect"));
        Assert.DoesNotContain(scrape.Samples, s => s.Name.StartsWith("cirrus_api_", StringComparison.Ordinal)
            && s.Labels.GetValueOrDefault("endpoint") == "objects" && s.Value != 0);
    }

    [Fact]
    public async Task A_stream_target_overrides_its_module_target()
    {
        _api.Json(Objects, Upstream.Envelope("[]"));
        await using var exporter = Start(("Cirrus:Collectors:Conversations:Slo:11345:FirstResponse", "00:00:30"),
            ("Cirrus:Collectors:Conversations:Slo:11345:Objective", "0.99"));

        Assert.True(await exporter.RefreshAllAsync());

        var scrape = await exporter.ScrapeAsync();
        Assert.Equal(30, scrape.Value("cirrus_stream_first_response_slo_target_seconds", "stream_id", "11345"));
        Assert.Equal(0.99, scrape.Value("cirrus_stream_first_response_slo_objective_ratio", "stream_id", "11345"));
    }
}
