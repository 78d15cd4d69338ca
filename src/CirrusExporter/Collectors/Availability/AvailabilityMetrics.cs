using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.Availability;

public static class AvailabilityMetrics
{
    public static readonly MetricDefinition State = new(
        "cirrus_stream_availability_state", "gauge", ["stream_id", "sub_stream_id", "state"],
        "1 for the stream's current availability state (inactive, available, busy, unavailable), 0 for the other "
            + "three.",
        "GET /streams/{id}[/substreams/{sub}]/streamavailability data.state", AvailabilityCollector.Label);

    public static readonly MetricDefinition StateCode = new(
        "cirrus_stream_availability_state_code", "gauge", ["stream_id", "sub_stream_id"],
        "Raw availability state: 0 inactive, 1 available, 2 busy, 3 unavailable (outside business hours).",
        "GET /streams/{id}[/substreams/{sub}]/streamavailability data.state", AvailabilityCollector.Label);
}
