using System.Text.Json;

namespace CirrusSimulator.Tests;

/// <summary>
/// What the conversations collector relies on: the time range applies to the ordering field, first responses and
/// closures follow the agents and business hours, and /admin/conversations tells the truth about them.
/// </summary>
public sealed class ConversationTimesTests
{
    private static DateTimeOffset? Time(JsonElement o, string name) =>
        o.GetProperty(name) is { ValueKind: JsonValueKind.String } t ? DateTimeOffset.Parse(t.GetString()!) : null;

    [Fact]
    public async Task Ordered_by_updated_time_the_range_selects_what_changed_in_it_ascending()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var all = await sim.AllObjectsAsync(TestTenants.OverloadedChat);
        var from = RunningSimulator.Wednesday10.AddMinutes(-20);
        var to = RunningSimulator.Wednesday10.AddMinutes(-5);

        var changed = (await sim.DataAsync(
            $"/streams/{TestTenants.OverloadedChat}/objects?unixStartTime={from.ToUnixTimeSeconds()}"
            + $"&unixEndTime={to.ToUnixTimeSeconds()}&order=updatedtime&sort=asc")).EnumerateArray().ToList();

        var expected = all.Where(o => Time(o, "updatedTime") >= from && Time(o, "updatedTime") < to.AddSeconds(1))
            .ToList();
        Assert.InRange(changed.Count, 1, 99);
        Assert.Equal(expected.Select(o => o.GetProperty("objectId").GetInt64()).Order(),
            changed.Select(o => o.GetProperty("objectId").GetInt64()).Order());
        Assert.Equal(changed.Select(o => Time(o, "updatedTime")).Order(), changed.Select(o => Time(o, "updatedTime")));
        // Some changed in the window although created before it: the range is not on created time.
        Assert.Contains(changed, o => Time(o, "createdTime") < from);
    }

    [Fact]
    public async Task First_responses_and_closures_follow_creation_and_the_truth_counts_them()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var since = RunningSimulator.Wednesday10.AddHours(-3);
        var all = await sim.AllObjectsAsync(TestTenants.OverloadedChat);

        Assert.All(all, o =>
        {
            Assert.True(Time(o, "firstResponseTime") is not { } answered || answered >= Time(o, "createdTime"));
            Assert.True(Time(o, "closedTime") is not { } closed || closed >= Time(o, "createdTime"));
            Assert.True(Time(o, "updatedTime") >= (Time(o, "closedTime") ?? Time(o, "firstResponseTime")
                ?? Time(o, "createdTime")));
        });
        var truth = (await sim.AdminAsync(HttpMethod.Get, $"/admin/conversations?since={since.ToUnixTimeSeconds()}"))
            .EnumerateArray().Single(s => s.GetProperty("streamId").GetInt64() == TestTenants.OverloadedChat);
        Assert.Equal(all.Count(o => Time(o, "createdTime") >= since), truth.GetProperty("created").GetInt32());
        Assert.Equal(all.Count(o => Time(o, "firstResponseTime") >= since),
            truth.GetProperty("firstResponses").GetInt32());
        Assert.Equal(all.Count(o => Time(o, "closedTime") >= since), truth.GetProperty("closures").GetInt32());
        Assert.True(truth.GetProperty("firstResponses").GetInt32() > 0 && truth.GetProperty("closures").GetInt32() > 0);
    }

    [Fact]
    public async Task A_closed_stream_answers_no_one_out_of_hours()
    {
        // Wednesday morning: the weekend voice stream is closed for business, so no one is answered there.
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var since = RunningSimulator.Wednesday10.AddHours(-3);

        var truth = (await sim.AdminAsync(HttpMethod.Get, $"/admin/conversations?since={since.ToUnixTimeSeconds()}"))
            .EnumerateArray().Single(s => s.GetProperty("streamId").GetInt64() == TestTenants.WeekendVoice);

        Assert.Equal(0, truth.GetProperty("firstResponses").GetInt32());
    }

    [Fact]
    public async Task Calls_ordered_by_updated_time_are_counted_as_conversations()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.DataAsync(
            $"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&unixEndTime=1900000000&order=updatedtime");
        await sim.DataAsync($"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&unixEndTime=1900000000");

        var calls = await sim.AdminAsync(HttpMethod.Get, "/admin/calls");
        Assert.Equal(1, calls.GetProperty("conversations").GetInt64());
        Assert.Equal(1, calls.GetProperty("objects").GetInt64());
    }

    [Fact]
    public async Task A_since_that_is_not_unix_seconds_is_a_bad_request()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.AdminAsync(HttpMethod.Get, "/admin/conversations?since=yesterday",
            System.Net.HttpStatusCode.BadRequest);
    }
}
