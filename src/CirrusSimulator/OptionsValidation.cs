using CirrusSimulator.Simulation;

namespace CirrusSimulator;

/// <summary>Rejects unusable options up front with one message naming the key.</summary>
internal static class OptionsValidation
{
    public static void Validate(SimulatorOptions options)
    {
        Require(!string.IsNullOrWhiteSpace(options.Token), "Token", "must not be empty");
        Require(options.SpeedFactor > 0 && double.IsFinite(options.SpeedFactor), "SpeedFactor",
            "must be a positive number");
        Require(options.WarmUp >= TimeSpan.Zero && options.WarmUp <= TimeSpan.FromDays(14), "WarmUp",
            "must be between 0 and 14 days");
        Require(options.Retention > TimeSpan.Zero, "Retention", "must be positive");
        Require(options.ArchiveAfter > TimeSpan.Zero, "ArchiveAfter", "must be positive");
        Require(options.SlaWarningFraction > 0 && options.SlaWarningFraction < options.SlaCriticalFraction
            && options.SlaCriticalFraction < 1,
            "SlaWarningFraction/SlaCriticalFraction", "need 0 < warning < critical < 1");
        Require(options.WeekendArrivalFactor >= 0, "WeekendArrivalFactor", "must not be negative");
        Require(options.MaxOpenPerStream >= 1, "MaxOpenPerStream", "must be at least 1");
        Require(options.LargeTenantStreams is >= 0 and <= 100_000, "LargeTenantStreams",
            "must be between 0 and 100000");
        Require(options.LargeTenantTraffic is >= 0 and <= 100, "LargeTenantTraffic", "must be between 0 and 100");
        Parse(() => BusinessCalendar.FindZone(options.TimeZone), "TimeZone");
        for (var i = 0; i < options.SpecialDays.Count; i++)
        {
            var day = options.SpecialDays[i];
            Parse(() => BusinessCalendar.ParseDay(day), $"SpecialDays:{i}");
        }
        ValidateFaults(options.Faults);
        if (options.LargeTenantStreams == 0)
        {
            ValidateStreams(options.Streams);
        }
    }

    private static void ValidateFaults(FaultOptions faults)
    {
        Require(faults.LatencyMs >= 0, "Faults:LatencyMs", "must not be negative");
        Require(faults.RetryAfterSeconds >= 0, "Faults:RetryAfterSeconds", "must not be negative");
        Require(faults.RateLimitPerSecond >= 0, "Faults:RateLimitPerSecond", "must not be negative");
        Require(faults.ErrorRate is >= 0 and <= 1, "Faults:ErrorRate", "must be between 0 and 1");
        Require(faults.ThrottleRate is >= 0 and <= 1, "Faults:ThrottleRate", "must be between 0 and 1");
        Require(faults.MalformedRate is >= 0 and <= 1, "Faults:MalformedRate", "must be between 0 and 1");
    }

    private static void ValidateStreams(List<StreamOptions> streams)
    {
        Require(streams.Count > 0, "Streams", "must list at least one stream (or set LargeTenantStreams)");
        var ids = new HashSet<long>();
        for (var i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            var key = $"Streams:{i}";
            Require(s.Id > 0 && ids.Add(s.Id), $"{key}:Id", "must be a positive, unique stream id");
            Require(s.SubStreams.All(sub => sub > 0) && s.SubStreams.Distinct().Count() == s.SubStreams.Count,
                $"{key}:SubStreams", "must be positive, unique ids");
            Require(s.Agents >= 0, $"{key}:Agents", "must not be negative");
            Require(s.AgentCapacity >= 1, $"{key}:AgentCapacity", "must be at least 1");
            Require(s.AutoAssignAgents is null or >= 0, $"{key}:AutoAssignAgents", "must not be negative");
            Require(s.ArrivalsPerHour >= 0 && s.OutboundPerHour >= 0, $"{key}:ArrivalsPerHour/OutboundPerHour",
                "must not be negative");
            Require(s.HandleTimeSeconds > 0, $"{key}:HandleTimeSeconds", "must be positive");
            Require(s.SlaSeconds >= 0 && s.AbandonAfterSeconds >= 0, $"{key}:SlaSeconds/AbandonAfterSeconds",
                "must not be negative");
            Parse(() => WeeklySchedule.Parse(s.BusinessHours), $"{key}:BusinessHours");
            for (var d = 0; d < s.SpecialDays.Count; d++)
            {
                var day = s.SpecialDays[d];
                Parse(() => BusinessCalendar.ParseDay(day), $"{key}:SpecialDays:{d}");
            }
        }
    }

    private static void Require(bool condition, string key, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{SimulatorOptions.SectionName}:{key} {rule}.");
        }
    }

    private static void Parse(Action parse, string key)
    {
        try
        {
            parse();
        }
        catch (Exception e) when (e is FormatException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"{SimulatorOptions.SectionName}:{key} is invalid: {e.Message}", e);
        }
    }
}
