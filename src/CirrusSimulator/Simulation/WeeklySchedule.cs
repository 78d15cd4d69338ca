using System.Globalization;

namespace CirrusSimulator.Simulation;

/// <summary>
/// Weekly opening hours parsed from text such as "Mon-Fri 08:00-12:00 13:00-18:00; Sat 09:00-13:00",
/// "Mon,Wed 10:00-16:00", "Fri 22:00-02:00" (runs past midnight into Saturday) or "24/7".
/// </summary>
internal sealed class WeeklySchedule
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    // Minutes from local midnight, [start, end), per DayOfWeek; sorted by start.
    private readonly List<(int Start, int End)>[] _days;

    private WeeklySchedule(List<(int Start, int End)>[] days) => _days = days;

    public IReadOnlyList<(int Start, int End)> Intervals(DayOfWeek day) => _days[(int)day];

    public bool IsOpenAt(DayOfWeek day, int minuteOfDay)
    {
        foreach (var (start, end) in _days[(int)day])
        {
            if (minuteOfDay >= start && minuteOfDay < end)
            {
                return true;
            }
        }
        return false;
    }

    public static WeeklySchedule Parse(string text)
    {
        var days = Enumerable.Range(0, 7).Select(_ => new List<(int, int)>()).ToArray();
        var trimmed = text.Trim();
        if (trimmed == "24/7")
        {
            foreach (var day in days)
            {
                day.Add((0, 1440));
            }
            return new WeeklySchedule(days);
        }
        foreach (var rule in trimmed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                throw new FormatException(
                    $"business hours rule '{rule}' needs days and at least one HH:mm-HH:mm range");
            }
            var ruleDays = ParseDays(parts[0], rule);
            foreach (var range in parts.Skip(1))
            {
                var (start, end) = ParseRange(range, rule);
                foreach (var day in ruleDays)
                {
                    if (end > start)
                    {
                        days[day].Add((start, end));
                    }
                    else
                    {
                        // Past midnight: the tail belongs to the next day.
                        days[day].Add((start, 1440));
                        if (end > 0)
                        {
                            days[(day + 1) % 7].Add((0, end));
                        }
                    }
                }
            }
        }
        foreach (var day in days)
        {
            day.Sort();
        }
        return new WeeklySchedule(days);
    }

    private static List<int> ParseDays(string spec, string rule)
    {
        var result = new List<int>();
        foreach (var item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = item.Split('-');
            if (bounds.Length > 2)
            {
                throw new FormatException($"business hours rule '{rule}': bad day range '{item}'");
            }
            var first = DayIndex(bounds[0], rule);
            var last = bounds.Length == 2 ? DayIndex(bounds[1], rule) : first;
            // Ranges wrap around the week, so "Sat-Mon" is Saturday, Sunday, Monday.
            for (var day = first; ; day = (day + 1) % 7)
            {
                result.Add(day);
                if (day == last)
                {
                    break;
                }
            }
        }
        return result;
    }

    private static int DayIndex(string name, string rule)
    {
        var key = name.Trim().ToLowerInvariant();
        var index = key.Length >= 3 ? Array.IndexOf(DayNames, key[..3]) : -1;
        return index >= 0
            ? index : throw new FormatException($"business hours rule '{rule}': unknown day '{name}' (use Mon..Sun)");
    }

    private static (int Start, int End) ParseRange(string range, string rule)
    {
        var bounds = range.Split('-');
        if (bounds.Length != 2)
        {
            throw new FormatException($"business hours rule '{rule}': bad time range '{range}' (use HH:mm-HH:mm)");
        }
        return (ParseMinute(bounds[0], rule), ParseMinute(bounds[1], rule));
    }

    private static int ParseMinute(string time, string rule)
    {
        if (time == "24:00")
        {
            return 1440;
        }
        if (TimeOnly.TryParseExact(time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return parsed.Hour * 60 + parsed.Minute;
        }
        throw new FormatException($"business hours rule '{rule}': bad time '{time}' (use HH:mm)");
    }
}
