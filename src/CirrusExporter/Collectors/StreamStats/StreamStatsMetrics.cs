using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.StreamStats;

public static class StreamStatsMetrics
{
    public static readonly MetricDefinition Objects = new(
        "cirrus_stream_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations (objects) in the stream, by status.",
        "GET /stats/streams field c", StreamStatsCollector.Label);
}
