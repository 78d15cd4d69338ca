using CirrusSimulator.Simulation;
using Microsoft.Extensions.Configuration;

namespace CirrusSimulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Demo_defaults_describe_eight_streams_across_modules_two_with_sub_streams_and_one_inactive()
    {
        var streams = new SimulatorOptions().Streams;

        Assert.Equal(8, streams.Count);
        Assert.Equal([6, 9, 13, 14, 15, 38], streams.Select(s => s.ModuleId).Distinct().Order());
        Assert.Equal(2, streams.Count(s => s.SubStreams.Count > 0));
        Assert.Single(streams, s => !s.Active);
    }

    [Fact]
    public void Configuration_binds_scalars_faults_and_replaces_the_demo_streams()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Token"] = "secret",
            ["Simulator:Seed"] = "99",
            ["Simulator:SpeedFactor"] = "30",
            ["Simulator:WarmUp"] = "02:00:00",
            ["Simulator:Faults:ErrorRate"] = "0.25",
            ["Simulator:Streams:0:Id"] = "77",
            ["Simulator:Streams:0:ModuleId"] = "15",
            ["Simulator:Streams:0:SubStreams:0"] = "3",
            ["Simulator:Streams:0:BusinessHours"] = "24/7",
        }).Build();

        var options = SimulatorOptions.FromConfiguration(configuration.GetSection("Simulator"));

        Assert.Equal(("secret", 99, 30.0, TimeSpan.FromHours(2), 0.25),
            (options.Token, options.Seed, options.SpeedFactor, options.WarmUp, options.Faults.ErrorRate));
        var stream = Assert.Single(options.Streams);
        Assert.Equal((77L, 15, "24/7"), (stream.Id, stream.ModuleId, stream.BusinessHours));
        Assert.Equal([3L], stream.SubStreams);
    }

    [Fact]
    public void Configuration_without_streams_keeps_the_demo_tenant()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Simulator:Token"] = "x" }).Build();

        Assert.Equal(8, SimulatorOptions.FromConfiguration(configuration.GetSection("Simulator")).Streams.Count);
    }

    public static TheoryData<Action<SimulatorOptions>, string> InvalidOptions => new()
    {
        { o => o.Token = "", "Simulator:Token" },
        { o => o.SpeedFactor = 0, "Simulator:SpeedFactor" },
        { o => o.TimeZone = "Mars/Olympus_Mons", "Simulator:TimeZone" },
        { o => o.SpecialDays = ["25/12/2026"], "Simulator:SpecialDays:0" },
        { o => o.Faults.ErrorRate = 2, "Simulator:Faults:ErrorRate" },
        { o => o.Streams[1].Id = o.Streams[0].Id, "Simulator:Streams:1:Id" },
        { o => o.Streams[2].BusinessHours = "Mon-Fri 8-18", "Simulator:Streams:2:BusinessHours" },
        { o => o.Streams[3].AgentCapacity = 0, "Simulator:Streams:3:AgentCapacity" },
        { o => o.Streams[1].SubStreams = [0], "Simulator:Streams:1:SubStreams" },
        { o => o.Streams = [], "Simulator:Streams" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Unusable_options_are_refused_with_the_key_named(Action<SimulatorOptions> spoil, string key)
    {
        var options = new SimulatorOptions();
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => SimulatorHost.Create(options, "http://127.0.0.1:0"));

        Assert.StartsWith(key + " ", error.Message);
    }

    [Fact]
    public void Business_hours_accept_ranges_lists_breaks_and_overnight_shifts()
    {
        var schedule = WeeklySchedule.Parse("Mon-Wed,Fri 08:00-12:00 13:00-18:00; Sat 22:00-02:00");

        Assert.True(schedule.IsOpenAt(DayOfWeek.Monday, 8 * 60));
        Assert.False(schedule.IsOpenAt(DayOfWeek.Monday, 12 * 60 + 30));
        Assert.False(schedule.IsOpenAt(DayOfWeek.Monday, 18 * 60));
        Assert.False(schedule.IsOpenAt(DayOfWeek.Thursday, 10 * 60));
        Assert.True(schedule.IsOpenAt(DayOfWeek.Friday, 17 * 60 + 59));
        Assert.True(schedule.IsOpenAt(DayOfWeek.Saturday, 23 * 60));
        Assert.True(schedule.IsOpenAt(DayOfWeek.Sunday, 60));
        Assert.False(schedule.IsOpenAt(DayOfWeek.Sunday, 2 * 60));
        Assert.All(Enum.GetValues<DayOfWeek>(), day => Assert.True(WeeklySchedule.Parse("24/7").IsOpenAt(day, 1439)));
    }

    [Fact]
    public void Next_opening_skips_closed_days()
    {
        var calendar = new BusinessCalendar(TimeZoneInfo.Utc, WeeklySchedule.Parse("Mon-Fri 08:00-18:00"),
            [new DateOnly(2026, 3, 9)]);
        var fridayEvening = new DateTime(2026, 3, 6, 19, 0, 0, DateTimeKind.Utc).Ticks;

        Assert.Equal(new DateTime(2026, 3, 10, 8, 0, 0, DateTimeKind.Utc).Ticks, calendar.NextOpening(fridayEvening));
        Assert.Equal(fridayEvening - TimeSpan.TicksPerHour * 2,
            calendar.SlaClockStart(fridayEvening - TimeSpan.TicksPerHour * 2));
    }
}
