using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

public sealed class ObjectsContractTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private readonly Upstream _api = new();

    private static Dictionary<string, string?> ObjectsOnly(params (string Key, string Value)[] extra) =>
        Settings.OnlyForStream11345("objects", extra);

    public void Dispose() => _api.Dispose();

    private async Task<(TestExporter Exporter, bool Ok)> StartAndRefreshAsync(params (string, string)[] extra)
    {
        var time = new FakeTimeProvider(Now);
        _api.Clock = time;
        var exporter = TestExporter.Start(_api.Url, ObjectsOnly(extra), time);
        return (exporter, await exporter.RefreshAsync("objects"));
    }

    [Fact]
    public async Task Oldest_open_age_comes_from_the_first_item_of_an_ascending_one_item_page()
    {
        _api.Json("/streams/11345/objects", Upstream.Sample("stream-objects.json"));
        var (exporter, ok) = await StartAndRefreshAsync();
        await using var _ = exporter;

        Assert.True(ok);
        // createdTime 2026-11-27T08:41:10Z, 33 min 50 s before Now.
        Assert.Equal(2030, (await exporter.ScrapeAsync())
            .Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345", "sub_stream_id", "0"));
        var query = _api.Queries("/streams/11345/objects").Single();
        Assert.Equal(Now.AddDays(-7).ToUnixTimeSeconds().ToString(), query["unixStartTime"].Single());
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(), query["unixEndTime"].Single());
        Assert.Equal("1,8", query["status"].Single());
        Assert.Equal("asc", query["sort"].Single());
        Assert.Equal("createdtime", query["order"].Single());
        Assert.Equal("0", query["pageNumber"].Single());
        Assert.Equal("1", query["pageSize"].Single());
    }

    [Fact]
    public async Task Timestamps_without_zone_are_read_as_utc()
    {
        _api.Json("/streams/11345/objects",
            Upstream.Envelope("""[{"objectId":1,"statusId":1,"CreatedTime":"2026-11-27T09:00:00"}]"""));
        var (exporter, ok) = await StartAndRefreshAsync();
        await using var _ = exporter;

        Assert.True(ok);
        Assert.Equal(900,
            (await exporter.ScrapeAsync()).Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
    }

    [Fact]
    public async Task No_open_conversation_means_age_zero()
    {
        _api.Json("/streams/11345/objects", Upstream.Envelope("[]"));
        var (exporter, ok) = await StartAndRefreshAsync();
        await using var _ = exporter;

        Assert.True(ok);
        Assert.Equal(0,
            (await exporter.ScrapeAsync()).Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
    }

    [Fact]
    public async Task Paging_stops_at_the_first_short_page_and_ignores_items_outside_the_open_statuses()
    {
        _api.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/streams/11345/objects")
            .WithParam("pageNumber", "0").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody(Upstream.Envelope(
                """[{"objectId":1,"statusId":2,"createdTime":"2026-11-20T00:00:00Z"},"""
                + """{"objectId":2,"statusId":1,"createdTime":"2026-11-27T09:10:00Z"}]""")));
        _api.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/streams/11345/objects")
            .WithParam("pageNumber", "1").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody(Upstream.Envelope(
                """[{"objectId":3,"statusId":8,"createdTime":"2026-11-27T09:05:00Z"}]""")));
        var (exporter, ok) = await StartAndRefreshAsync(("Cirrus:Collectors:Objects:PageSize", "2"),
            ("Cirrus:Collectors:Objects:MaxPages", "5"));
        await using var _ = exporter;

        Assert.True(ok);
        Assert.Equal(2, _api.Calls("/streams/11345/objects"));
        // Object 1 is resolved (status 2), so the in-process object 3 is the oldest open one: 10 minutes.
        Assert.Equal(600,
            (await exporter.ScrapeAsync()).Value("cirrus_stream_oldest_open_object_age_seconds", "stream_id", "11345"));
    }

    [Fact]
    public async Task An_item_without_created_time_fails_the_collector()
    {
        _api.Json("/streams/11345/objects",
            Upstream.Envelope("""[{"objectId":1,"statusId":1,"createdTime":"yesterday"}]"""));
        var (exporter, ok) = await StartAndRefreshAsync();
        await using var _ = exporter;

        Assert.False(ok);
        Assert.False((await exporter.ScrapeAsync()).HasFamily("cirrus_stream_oldest_open_object_age_seconds"));
    }
}
