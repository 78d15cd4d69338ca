using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.Availability;

public sealed class AvailabilityCollectorOptions : CollectorOptions
{
    [KeyDoc("Sent as `ignoreAutomationExsistance`. Bots are always available, so with `false` a stream with a bot "
        + "never shows busy or unavailable.")]
    public bool IgnoreAutomation { get; set; } = true;

    [KeyDoc("Sent as `autoAssign`: with `true` a stream counts as available only when agents with auto-assignment on "
        + "are available.")]
    public bool AutoAssign { get; set; }
}
