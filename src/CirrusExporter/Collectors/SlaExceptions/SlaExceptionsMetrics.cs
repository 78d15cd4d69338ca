using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.SlaExceptions;

public static class SlaExceptionsMetrics
{
    public static readonly MetricDefinition Breaches = new(
        "cirrus_stream_sla_exception_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations in SLA breach (Exceptions), by status.",
        "GET /stats/streamsSLAExceptions breach list (Item1 by default) field c", SlaExceptionsCollector.Label);

    public static readonly MetricDefinition Critical = new(
        "cirrus_stream_sla_critical_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations at the SLA-critical warning (SlaCritical), by status.",
        "GET /stats/streamsSLAExceptions critical list (Item2 by default) field c", SlaExceptionsCollector.Label);
}
