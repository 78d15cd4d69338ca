namespace CirrusSimulator.Tests;

public sealed class LargeTenantTests
{
    [Fact]
    public async Task Two_thousand_streams_with_many_statuses_answer_stream_stats()
    {
        var options = new SimulatorOptions { Seed = 5, Token = "bench", LargeTenantStreams = 2000 };
        await using var sim = await RunningSimulator.StartAsync(options);

        var rows = (await sim.DataAsync("/stats/streams")).EnumerateArray().ToList();

        var streams = rows.GroupBy(r => r.GetProperty("streamId").GetInt64()).ToList();
        Assert.Equal(2000, streams.Count);
        Assert.Equal(500_000, streams.Min(g => g.Key));
        Assert.Equal(501_999, streams.Max(g => g.Key));
        var statusesPerStream = streams.Select(g => g.Select(r => r.GetProperty("statusId").GetInt32()).Distinct()
            .Count()).Order().ToList();
        Assert.True(statusesPerStream[1000] >= 6, $"median statuses per stream: {statusesPerStream[1000]}");

        // Within one simulated second every answer is the same snapshot (its speed is a benchmark, bench/api-cost.sh).
        var first = (await sim.GetAsync("/stats/streams")).GetRawText();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, (await sim.GetAsync("/stats/streams")).GetRawText());
        }

        // A fresh simulated second recomputes and still answers.
        await sim.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0,
            (await sim.DataAsync("/streams/500001/substreams/2/streamavailability?ignoreAutomationExsistance=false"))
            .GetProperty("state").GetInt32() - 1);
    }

    [Fact]
    public async Task Less_traffic_leaves_fewer_streams_with_conversations_and_none_leaves_none()
    {
        async Task<int> StreamsWithConversations(double traffic)
        {
            await using var sim = await RunningSimulator.StartAsync(new SimulatorOptions
            {
                Seed = 5, Token = "bench",
                LargeTenantStreams = 200, LargeTenantTraffic = traffic
            });
            return (await sim.DataAsync("/stats/streams")).EnumerateArray()
                .Select(r => r.GetProperty("streamId").GetInt64()).Distinct().Count();
        }

        var (full, tenth, none) = (await StreamsWithConversations(1), await StreamsWithConversations(0.1),
            await StreamsWithConversations(0));
        Assert.Equal(200, full);
        Assert.InRange(tenth, 1, full - 1);
        Assert.Equal(0, none);
    }
}
