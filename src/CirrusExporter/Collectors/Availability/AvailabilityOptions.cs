using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.Availability;

public sealed class AvailabilityCollectorOptions : CollectorOptions
{
    /// <summary>Sent as ignoreAutomationExsistance: bots are always available, so ignoring them shows real agent cover.</summary>
    public bool IgnoreAutomation { get; set; } = true;

    /// <summary>Sent as autoAssign: count only agents with auto-assignment on as available.</summary>
    public bool AutoAssign { get; set; }
}
