using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.Objects;

public static class ObjectsMetrics
{
    public static readonly MetricDefinition OldestOpenAge = new(
        "cirrus_stream_oldest_open_object_age_seconds", "gauge", ["stream_id", "sub_stream_id"],
        "Age of the oldest conversation in the configured open statuses within the look-back window (0 when none), "
            + "whole stream (sub_stream_id 0).",
        "GET /streams/{id}/objects createdTime of the first item, sorted ascending", ObjectsCollector.Label);
}
