using CirrusExporter.Collectors.Availability;
using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.UnitTests;

public sealed class StreamHoursTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 26, 18, 0, 0, TimeSpan.Zero);

    private static StreamHours Hours()
        => new(Options.Create(new CirrusOptions { MaxDataAge = TimeSpan.FromMinutes(5) }));

    [Fact]
    public void Only_the_time_between_two_closed_polls_counts_as_closed_and_streams_are_apart()
    {
        var hours = Hours();
        foreach (var (minute, closed) in new[] { (0, false), (1, true), (2, true), (3, true), (4, false), (5, true),
            (6, true) })
        {
            hours.Observe(7, T.AddMinutes(minute), closed);
        }

        // Closed 18:01-18:03 and 18:05-18:06; 18:00-18:01 and 18:03-18:05 are transitions of unknown time, so open.
        Assert.Equal(TimeSpan.FromMinutes(3), hours.ClosedBetween(7, T, T.AddHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(60),
            hours.ClosedBetween(7, T.AddMinutes(2).AddSeconds(30), T.AddMinutes(5).AddSeconds(30)));
        Assert.Equal(TimeSpan.Zero, hours.ClosedBetween(8, T, T.AddHours(1)));
        Assert.Equal(57 * 60, hours.OpenSeconds(7, T, T.AddHours(1)));
    }

    [Fact]
    public void A_gap_longer_than_max_data_age_and_a_poll_out_of_order_add_nothing()
    {
        var hours = Hours();
        hours.Observe(7, T, true);
        hours.Observe(7, T.AddMinutes(10), true);
        hours.Observe(7, T.AddMinutes(5), true);

        Assert.Equal(TimeSpan.Zero, hours.ClosedBetween(7, T, T.AddHours(1)));
    }

    [Fact]
    public void Memory_is_bounded_to_the_latest_intervals_per_stream()
    {
        var hours = Hours();
        var at = T;
        for (var i = 0; i < StreamHours.MaxIntervals + 10; i++)
        {
            hours.Observe(7, at, true);
            hours.Observe(7, at = at.AddMinutes(1), true);
            hours.Observe(7, at = at.AddMinutes(1), false);
            at = at.AddMinutes(1);
        }

        // Each cycle is one closed minute; the 10 oldest are forgotten, and with them only history.
        Assert.Equal(TimeSpan.FromMinutes(StreamHours.MaxIntervals), hours.ClosedBetween(7, T, at));
        Assert.Equal(TimeSpan.Zero, hours.ClosedBetween(7, T, T.AddMinutes(30)));
    }
}
