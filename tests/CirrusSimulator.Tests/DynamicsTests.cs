using System.Text.Json;

namespace CirrusSimulator.Tests;

public sealed class DynamicsTests
{
    private static async Task<int> StateAsync(RunningSimulator sim, string path) =>
        (await sim.DataAsync(path)).GetProperty("state").GetInt32();

    [Fact]
    public async Task Availability_reaches_every_state()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        Assert.Equal(0, await StateAsync(sim,
            $"/streams/{TestTenants.InactiveMail}/streamavailability?ignoreAutomationExsistance=true"));
        Assert.Equal(1, await StateAsync(sim,
            $"/streams/{TestTenants.WhatsApp}/streamavailability?ignoreAutomationExsistance=true"));
        Assert.Equal(2, await StateAsync(sim,
            $"/streams/{TestTenants.OverloadedChat}/streamavailability?ignoreAutomationExsistance=true"));
        // The voice line only opens at weekends; this is a Wednesday.
        Assert.Equal(3, await StateAsync(sim,
            $"/streams/{TestTenants.WeekendVoice}/streamavailability?ignoreAutomationExsistance=true"));
    }

    [Fact]
    public async Task Business_hours_close_a_stream_in_the_evening_and_open_it_next_morning()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var path = $"/streams/{TestTenants.WhatsApp}/substreams/1/streamavailability?ignoreAutomationExsistance=true";

        Assert.Equal(1, await StateAsync(sim, path));
        sim.Time.Advance(TimeSpan.FromHours(8.5)); // 18:30
        Assert.Equal(3, await StateAsync(sim, path));
        sim.Time.Advance(TimeSpan.FromHours(14)); // Thursday 08:30
        Assert.Equal(1, await StateAsync(sim, path));
    }

    [Fact]
    public async Task A_special_day_closes_even_round_the_clock_streams()
    {
        var options = TestTenants.Options();
        options.SpecialDays = ["2026-03-04"];
        await using var sim = await RunningSimulator.StartAsync(options);

        Assert.Equal(3, await StateAsync(sim,
            $"/streams/{TestTenants.WhatsApp}/streamavailability?ignoreAutomationExsistance=true"));
        Assert.Equal(3, await StateAsync(sim,
            $"/streams/{TestTenants.OverloadedChat}/streamavailability?ignoreAutomationExsistance=true"));
        sim.Time.Advance(TimeSpan.FromHours(14)); // past midnight
        Assert.Equal(2, await StateAsync(sim,
            $"/streams/{TestTenants.OverloadedChat}/streamavailability?ignoreAutomationExsistance=true"));
    }

    [Fact]
    public async Task Automation_keeps_a_stream_available_unless_it_is_ignored()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        Assert.Equal(1, await StateAsync(sim,
            $"/streams/{TestTenants.BotChat}/streamavailability?ignoreAutomationExsistance=false"));
        Assert.Equal(1, await StateAsync(sim, $"/streams/{TestTenants.BotChat}/streamavailability"));
        Assert.Equal(2, await StateAsync(sim,
            $"/streams/{TestTenants.BotChat}/streamavailability?ignoreAutomationExsistance=true"));
        // The bot answers first: conversations pass through Automated before they reach an agent.
        var stats = await sim.DataAsync("/stats/streams");
        Assert.Contains(stats.EnumerateArray(), r => r.GetProperty("streamId").GetInt64() == TestTenants.BotChat
            && r.GetProperty("statusId").GetInt32() == 11);
    }

    [Fact]
    public async Task Auto_assign_counts_only_agents_with_auto_assignment()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        Assert.Equal(1, await StateAsync(sim, $"/streams/{TestTenants.ManualOnlySms}/"
            + "streamavailability?ignoreAutomationExsistance=true&autoAssign=false"));
        Assert.Equal(2, await StateAsync(sim, $"/streams/{TestTenants.ManualOnlySms}/"
            + "streamavailability?ignoreAutomationExsistance=true&autoAssign=true"));
    }

    [Fact]
    public async Task Same_seed_and_clock_give_the_same_answers_however_often_the_tenant_is_polled()
    {
        await using var polledOften = await RunningSimulator.StartAsync(TestTenants.Options(seed: 11));
        await using var polledOnce = await RunningSimulator.StartAsync(TestTenants.Options(seed: 11));
        await using var otherSeed = await RunningSimulator.StartAsync(TestTenants.Options(seed: 12));

        for (var i = 0; i < 30; i++)
        {
            await polledOften.AdvanceAsync(TimeSpan.FromSeconds(61));
        }
        polledOnce.Time.Advance(TimeSpan.FromSeconds(61 * 30));
        otherSeed.Time.Advance(TimeSpan.FromSeconds(61 * 30));

        string[] paths =
        [
            "/stats/streams",
            "/stats/streamsSLAExceptions",
            $"/streams/{TestTenants.OverloadedChat}/streamavailability?ignoreAutomationExsistance=true",
            $"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&unixEndTime=1900000000&pageSize=100",
        ];
        foreach (var path in paths)
        {
            Assert.Equal(await Text(polledOften, path), await Text(polledOnce, path));
        }
        Assert.NotEqual(await Text(polledOnce, "/stats/streams"), await Text(otherSeed, "/stats/streams"));
    }

    private static async Task<string> Text(RunningSimulator sim, string path)
        => (await sim.GetAsync(path)).GetRawText();

    [Fact]
    public async Task Simulated_time_runs_at_the_speed_factor()
    {
        var options = TestTenants.Options();
        options.SpeedFactor = 60;
        await using var sim = await RunningSimulator.StartAsync(options);

        sim.Time.Advance(TimeSpan.FromSeconds(10));
        var body = await sim.GetAsync("/stats/streams");

        Assert.Equal("2026-03-04T10:10:00.0000000Z", body.GetProperty("response_time").GetString());
        var newest = (await sim.DataAsync(
            $"/streams/{TestTenants.OverloadedChat}/objects?unixStartTime=0&unixEndTime=1900000000&pageSize=1"))[0];
        Assert.InRange(DateTimeOffset.Parse(newest.GetProperty("createdTime").GetString()!),
            RunningSimulator.Wednesday10, RunningSimulator.Wednesday10.AddMinutes(10));
    }

    [Fact]
    public async Task Arrivals_follow_the_daily_curve()
    {
        var options = TestTenants.Options();
        options.WarmUp = TimeSpan.FromHours(24);
        options.Retention = TimeSpan.FromHours(48);
        options.Streams[0].ArrivalsPerHour = 120;
        await using var sim = await RunningSimulator.StartAsync(options);

        var created = (await sim.AllObjectsAsync(TestTenants.OverloadedChat))
            .Select(o => DateTimeOffset.Parse(o.GetProperty("createdTime").GetString()!).Hour)
            .ToList();

        var night = created.Count(hour => hour is >= 1 and < 5);
        var morning = created.Count(hour => hour is >= 9 and < 13);
        Assert.True(morning > 4 * night, $"09-13h: {morning} arrivals, 01-05h: {night}");
        Assert.True(night > 0, "some customers write at night too");
    }

    [Fact]
    public async Task Closed_conversations_are_pruned_after_the_retention_window()
    {
        var options = TestTenants.Options();
        options.WarmUp = TimeSpan.Zero;
        options.Retention = TimeSpan.FromHours(6);
        options.Streams[1].BusinessHours = "24/7";
        await using var sim = await RunningSimulator.StartAsync(options);

        for (var i = 0; i < 12; i++)
        {
            await sim.AdvanceAsync(TimeSpan.FromHours(6));
        }

        var now = sim.Time.GetUtcNow();
        var objects = await sim.AllObjectsAsync(TestTenants.WhatsApp);
        var closed = objects.Where(o => o.GetProperty("statusId").GetInt32() is 2 or 4 or 5 or 13 or 14).ToList();
        Assert.NotEmpty(closed);
        Assert.All(closed, o =>
        {
            var closedAt = o.GetProperty("closedTime") is { ValueKind: JsonValueKind.String } c
                ? c : o.GetProperty("updatedTime");
            Assert.True(DateTimeOffset.Parse(closedAt.GetString()!) >= now - options.Retention,
                $"closed at {closedAt}");
        });
        // Three days of traffic went through, but only the recent part is kept.
        var oldest = objects.Min(o => DateTimeOffset.Parse(o.GetProperty("createdTime").GetString()!));
        Assert.True(oldest > RunningSimulator.Wednesday10.AddHours(48), $"oldest kept conversation created {oldest:O}");
        var tenant = (await sim.AdminAsync(HttpMethod.Get, "/admin")).GetProperty("tenant");
        var kept = tenant.GetProperty("conversations").GetInt32();
        var created = tenant.GetProperty("conversationsCreated").GetInt32();
        Assert.True(kept < created / 2, $"{kept} kept of {created} created");
    }

    [Fact]
    public async Task Every_status_of_the_life_cycle_occurs_in_the_demo_tenant()
    {
        var afternoon = RunningSimulator.Wednesday10.AddHours(5);
        await using var sim = await RunningSimulator.StartAsync(new SimulatorOptions { Seed = 3, Token = "t" },
            afternoon);

        var statuses = (await sim.DataAsync("/stats/streams")).EnumerateArray()
            .Select(r => r.GetProperty("statusId").GetInt32()).ToHashSet();

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15], statuses.Order());
    }
}
