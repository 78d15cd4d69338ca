using System.Text.Json;

namespace CirrusSimulator.Tests;

public sealed class ObjectsPagingTests
{
    private static long Id(JsonElement o) => o.GetProperty("objectId").GetInt64();

    private static string Created(JsonElement o) => o.GetProperty("createdTime").GetString()!;

    [Fact]
    public async Task Pages_are_zero_based_full_until_a_shorter_last_page_and_cover_every_object_once()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var everything = await sim.AllObjectsAsync(TestTenants.OverloadedChat);
        Assert.True(everything.Count > 90, $"enough objects to page through: {everything.Count}");

        const int pageSize = 30;
        var pages = new List<List<JsonElement>>();
        do
        {
            pages.Add((await sim.DataAsync(
                $"/streams/{TestTenants.OverloadedChat}/objects?unixStartTime=0&unixEndTime=1900000000&"
                + $"pageNumber={pages.Count}&pageSize={pageSize}"))
                .EnumerateArray().ToList());
        }
        while (pages[^1].Count == pageSize);

        Assert.All(pages[..^1], page => Assert.Equal(pageSize, page.Count));
        Assert.Equal(everything.Count % pageSize, pages[^1].Count);
        Assert.Equal(everything.Select(Id), pages.SelectMany(p => p).Select(Id));
        Assert.Equal(everything.Count, everything.Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task Page_size_defaults_to_100_and_is_capped_at_100()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var byDefault = await sim.DataAsync(
            $"/streams/{TestTenants.OverloadedChat}/objects?unixStartTime=0&unixEndTime=1900000000");
        var oversized = await sim.DataAsync(
            $"/streams/{TestTenants.OverloadedChat}/objects?unixStartTime=0&unixEndTime=1900000000&pageSize=500");

        Assert.Equal(100, byDefault.GetArrayLength());
        Assert.Equal(100, oversized.GetArrayLength());
    }

    [Fact]
    public async Task Sorting_defaults_to_newest_first_and_asc_reverses_it()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var desc = await sim.AllObjectsAsync(TestTenants.WhatsApp);
        var asc = (await sim.DataAsync($"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&"
            + "unixEndTime=1900000000&sort=asc&order=createdtime"))
            .EnumerateArray().ToList();

        Assert.Equal(desc.Select(Created).OrderDescending(StringComparer.Ordinal), desc.Select(Created));
        Assert.Equal(asc.Select(Created).Order(StringComparer.Ordinal), asc.Select(Created));
        Assert.Equal(Created(desc[^1]), Created(asc[0]));
    }

    [Fact]
    public async Task Time_range_status_and_sub_stream_filters_narrow_the_result()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var all = await sim.AllObjectsAsync(TestTenants.WhatsApp);
        var from = RunningSimulator.Wednesday10.AddHours(-2);

        var recent = (await sim.DataAsync(
            $"/streams/{TestTenants.WhatsApp}/objects?unixStartTime={from.ToUnixTimeSeconds()}&"
            + $"unixEndTime={RunningSimulator.Wednesday10.ToUnixTimeSeconds()}"))
            .EnumerateArray().ToList();
        var openOrPending = await sim.AllObjectsAsync(TestTenants.WhatsApp, status: "1,15");
        var subTwo = await sim.AllObjectsAsync(TestTenants.WhatsApp, subStream: 2);

        Assert.Equal(all.Count(o => DateTimeOffset.Parse(Created(o)) >= from), recent.Count);
        Assert.InRange(recent.Count, 1, all.Count - 1);
        Assert.Equal(all.Count(o => o.GetProperty("statusId").GetInt32() is 1 or 15), openOrPending.Count);
        Assert.All(openOrPending, o => Assert.Contains(o.GetProperty("statusId").GetInt32(), new[] { 1, 15 }));
        Assert.Equal(all.Count(o => o.GetProperty("substreamId").GetInt64() == 2), subTwo.Count);
        Assert.InRange(subTwo.Count, 1, all.Count - 1);
    }
}
