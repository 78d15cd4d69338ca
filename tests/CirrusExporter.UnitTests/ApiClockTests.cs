using CirrusExporter.Http;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

public sealed class ApiClockTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Before_any_response_the_api_clock_is_the_local_one()
    {
        var time = new FakeTimeProvider(T);
        Assert.Equal(T, new ApiClock(time, new SelfMetrics([])).Now);
    }

    [Fact]
    public void An_api_in_step_reads_zero_though_its_date_is_truncated_to_the_second_and_the_answer_took_time()
    {
        var time = new FakeTimeProvider(T.AddMilliseconds(900));
        var clock = new ApiClock(time, new SelfMetrics([]));

        clock.Observe(T); // sent at 09:00:00.7, stamped 09:00:00, read at 09:00:00.9
        Assert.Equal(TimeSpan.Zero, clock.Skew);
        Assert.Equal(T.AddMilliseconds(900), clock.Now);
    }

    [Fact]
    public void A_local_clock_ten_minutes_ahead_is_measured_and_now_is_the_apis()
    {
        var time = new FakeTimeProvider(T.AddMinutes(10).AddMilliseconds(300));
        var clock = new ApiClock(time, new SelfMetrics([]));

        clock.Observe(T);
        Assert.Equal(TimeSpan.FromMinutes(10), clock.Skew);
        Assert.Equal(T.AddMilliseconds(300), clock.Now);
    }

    [Fact]
    public void A_minority_of_stale_dates_does_not_move_the_skew_but_a_step_is_followed_within_eight_responses()
    {
        var time = new FakeTimeProvider(T);
        var clock = new ApiClock(time, new SelfMetrics([]));
        for (var i = 0; i < 15; i++) clock.Observe(T);

        for (var i = 0; i < 7; i++) clock.Observe(T.AddHours(-1)); // a cache answering with an old Date
        Assert.Equal(TimeSpan.Zero, clock.Skew);

        clock.Observe(T.AddHours(-1));
        Assert.Equal(TimeSpan.FromHours(1), clock.Skew);
    }
}
