using System.Text.Json;

namespace CirrusSimulator.Tests;

/// <summary>Stats, SLA lists and objects are views of one conversation state, so they must agree.</summary>
public sealed class ConsistencyTests
{
    private static readonly long[] ActiveStreams =
        [TestTenants.OverloadedChat, TestTenants.WhatsApp, TestTenants.WeekendVoice, TestTenants.BotChat,
            TestTenants.ManualOnlySms];

    private static Dictionary<(long Stream, long Sub, int Status), int> Counts(JsonElement rows) =>
        rows.EnumerateArray().ToDictionary(
            r => (r.GetProperty("streamId").GetInt64(), r.GetProperty("subStreamId").GetInt64(),
            r.GetProperty("statusId").GetInt32()),
            r => r.GetProperty("c").GetInt32());

    [Theory]
    [InlineData("1")]
    [InlineData("1,8,15")]
    [InlineData("1,3,6,7,8,9,10,11,15")]
    [InlineData(null)]
    public async Task Stream_stats_for_a_set_of_statuses_add_up_to_the_objects_in_those_statuses(string? statuses)
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        // Let the tenant run on a little past the warm-up first.
        await sim.AdvanceAsync(TimeSpan.FromMinutes(17));
        var wanted = statuses?.Split(',').Select(int.Parse).ToHashSet();

        var counts = Counts(await sim.DataAsync("/stats/streams"));

        var total = 0;
        foreach (var stream in ActiveStreams)
        {
            var objects = await sim.AllObjectsAsync(stream, statuses);
            var expected = counts.Where(kv => kv.Key.Stream == stream
                && (wanted is null || wanted.Contains(kv.Key.Status))).Sum(kv => kv.Value);
            Assert.Equal(expected, objects.Count);
            total += objects.Count;
        }
        Assert.True(total > 50, $"the check covers real data: {total} objects");
    }

    [Fact]
    public async Task Sla_lists_hold_exactly_the_waiting_conversations_past_their_thresholds()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        const double sla = 300; // OverloadedChat: no bot, open around the clock, so the SLA clock starts at creation.
        var seenBreached = 0;
        var seenCritical = 0;

        for (var step = 0; step < 12; step++)
        {
            await sim.AdvanceAsync(TimeSpan.FromSeconds(37));
            var now = sim.Time.GetUtcNow();
            var data = await sim.DataAsync("/stats/streamsSLAExceptions");
            var waiting = (await sim.AllObjectsAsync(TestTenants.OverloadedChat, "1"))
                .Where(o => o.GetProperty("firstResponseTime").ValueKind == JsonValueKind.Null)
                .Select(o => (now - DateTimeOffset.Parse(o.GetProperty("createdTime").GetString()!)).TotalSeconds)
                .ToList();

            var breached = Counts(data.GetProperty("Item1")).GetValueOrDefault((TestTenants.OverloadedChat, 0, 1));
            var critical = Counts(data.GetProperty("Item2")).GetValueOrDefault((TestTenants.OverloadedChat, 0, 1));
            Assert.Equal(waiting.Count(age => age >= sla), breached);
            Assert.Equal(waiting.Count(age => age >= 0.8 * sla && age < sla), critical);
            seenBreached += breached;
            seenCritical += critical;
        }
        Assert.True(seenBreached > 0 && seenCritical > 0,
            $"the overloaded stream breaches: {seenBreached} breached, {seenCritical} critical");
    }

    [Fact]
    public async Task Sla_rows_never_exceed_the_open_conversations_of_their_group()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        for (var step = 0; step < 6; step++)
        {
            await sim.AdvanceAsync(TimeSpan.FromMinutes(23));
            var stats = Counts(await sim.DataAsync("/stats/streams"));
            var sla = await sim.DataAsync("/stats/streamsSLAExceptions");
            var breached = Counts(sla.GetProperty("Item1"));
            var critical = Counts(sla.GetProperty("Item2"));

            foreach (var (group, count) in breached)
            {
                Assert.Equal(1, group.Status);
                Assert.InRange(count + critical.GetValueOrDefault(group), 1, stats.GetValueOrDefault(group));
            }
            Assert.All(critical, kv => Assert.InRange(kv.Value, 1, stats.GetValueOrDefault(kv.Key)));
        }
    }

    [Fact]
    public async Task Admin_summary_agrees_with_the_stats_and_shows_the_sla_warning_level()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        await sim.AdvanceAsync(TimeSpan.FromSeconds(90));
        var now = sim.Time.GetUtcNow();

        var stats = Counts(await sim.DataAsync("/stats/streams"));
        var summary = (await sim.AdminAsync(HttpMethod.Get, "/admin")).GetProperty("tenant");
        var ages = (await sim.AllObjectsAsync(TestTenants.OverloadedChat, "1"))
            .Where(o => o.GetProperty("firstResponseTime").ValueKind == JsonValueKind.Null)
            .Select(o => (now - DateTimeOffset.Parse(o.GetProperty("createdTime").GetString()!)).TotalSeconds)
            .ToList();

        Assert.Equal(stats.Values.Sum(), summary.GetProperty("conversations").GetInt32());
        var queue = summary.GetProperty("streams").EnumerateArray()
            .Single(s => s.GetProperty("id").GetInt64() == TestTenants.OverloadedChat).GetProperty("queues")[0];
        // SLA 300 s: warning from 50 %, critical from 80 %, breached from 100 %.
        Assert.Equal(ages.Count(a => a >= 150 && a < 240), queue.GetProperty("slaWarning").GetInt32());
        Assert.Equal(ages.Count(a => a >= 240 && a < 300), queue.GetProperty("slaCritical").GetInt32());
        Assert.Equal(ages.Count(a => a >= 300), queue.GetProperty("slaBreached").GetInt32());
        Assert.True(queue.GetProperty("slaWarning").GetInt32() > 0, "some conversations are at warning");
    }
}
