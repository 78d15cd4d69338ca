using System.Globalization;

namespace CirrusSimulator.Simulation;

/// <summary>Opening hours of one stream in the tenant's time zone, with its closed special days.</summary>
internal sealed class BusinessCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly WeeklySchedule _schedule;
    private readonly HashSet<DateOnly> _closedDays;

    public BusinessCalendar(TimeZoneInfo zone, WeeklySchedule schedule, IEnumerable<DateOnly> closedDays)
    {
        _zone = zone;
        _schedule = schedule;
        _closedDays = [.. closedDays];
    }

    public DateTime ToLocal(long utcTicks) =>
        TimeZoneInfo.ConvertTimeFromUtc(new DateTime(utcTicks, DateTimeKind.Utc), _zone);

    public bool IsOpen(long utcTicks)
    {
        var local = ToLocal(utcTicks);
        return !_closedDays.Contains(DateOnly.FromDateTime(local))
            && _schedule.IsOpenAt(local.DayOfWeek, (int)local.TimeOfDay.TotalMinutes);
    }

    /// <summary>
    /// The first opening boundary strictly after <paramref name="utcTicks"/>, or long.MaxValue if none within two
    /// weeks.
    /// </summary>
    public long NextOpening(long utcTicks)
    {
        var localDate = ToLocal(utcTicks).Date;
        for (var offset = 0; offset <= 15; offset++)
        {
            var date = localDate.AddDays(offset);
            if (_closedDays.Contains(DateOnly.FromDateTime(date)))
            {
                continue;
            }
            foreach (var (start, _) in _schedule.Intervals(date.DayOfWeek))
            {
                var local = DateTime.SpecifyKind(date.AddMinutes(start), DateTimeKind.Unspecified);
                if (_zone.IsInvalidTime(local))
                {
                    continue; // Skipped by a daylight-saving jump.
                }
                var utc = TimeZoneInfo.ConvertTimeToUtc(local, _zone).Ticks;
                if (utc > utcTicks)
                {
                    return utc;
                }
            }
        }
        return long.MaxValue;
    }

    /// <summary>
    /// When a conversation queued at <paramref name="utcTicks"/> starts using up its SLA: now if open, else at the next
    /// opening.
    /// </summary>
    public long SlaClockStart(long utcTicks) => IsOpen(utcTicks) ? utcTicks : NextOpening(utcTicks);

    public static TimeZoneInfo FindZone(string id) =>
        string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase)
            ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);

    public static DateOnly ParseDay(string text) =>
        DateOnly.ParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
