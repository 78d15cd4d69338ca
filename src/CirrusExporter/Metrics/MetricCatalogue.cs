using CirrusExporter.Api;
using CirrusExporter.Configuration;

namespace CirrusExporter.Metrics;

/// <summary>One exported metric family: the public contract that docs, dashboards and rules rely on.</summary>
/// <param name="Collector">The collector whose refresh feeds it, or null for exporter-level families.</param>
public sealed record MetricDefinition(string Name, string Type, string[] Labels, string Description, string Source, string? Collector);

/// <summary>Every metric name, help text and label the exporter serves. docs/metrics.md is checked against this.</summary>
public static class MetricCatalogue
{
    public static readonly MetricDefinition StreamAvailabilityState = new(
        "cirrus_stream_availability_state", "gauge", ["stream_id", "sub_stream_id", "state"],
        "1 for the stream's current availability state (inactive, available, busy, unavailable), 0 for the other three.",
        "GET /streams/{id}[/substreams/{sub}]/streamavailability data.state", ApiEndpoint.Availability);

    public static readonly MetricDefinition StreamAvailabilityStateCode = new(
        "cirrus_stream_availability_state_code", "gauge", ["stream_id", "sub_stream_id"],
        "Raw availability state: 0 inactive, 1 available, 2 busy, 3 unavailable (outside business hours).",
        "GET /streams/{id}[/substreams/{sub}]/streamavailability data.state", ApiEndpoint.Availability);

    public static readonly MetricDefinition StreamObjects = new(
        "cirrus_stream_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations (objects) in the stream, by status.",
        "GET /stats/streams field c", ApiEndpoint.StreamStats);

    public static readonly MetricDefinition StreamSlaExceptionObjects = new(
        "cirrus_stream_sla_exception_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations in SLA breach (Exceptions), by status.",
        "GET /stats/streamsSLAExceptions breach list (Item1 by default) field c", ApiEndpoint.SlaExceptions);

    public static readonly MetricDefinition StreamSlaCriticalObjects = new(
        "cirrus_stream_sla_critical_objects", "gauge", ["stream_id", "sub_stream_id", "module", "status"],
        "Conversations at the SLA-critical warning (SlaCritical), by status.",
        "GET /stats/streamsSLAExceptions critical list (Item2 by default) field c", ApiEndpoint.SlaExceptions);

    public static readonly MetricDefinition StreamOldestOpenObjectAge = new(
        "cirrus_stream_oldest_open_object_age_seconds", "gauge", ["stream_id", "sub_stream_id"],
        "Age of the oldest conversation in the configured open statuses within the look-back window (0 when none), whole stream (sub_stream_id 0).",
        "GET /streams/{id}/objects createdTime of the first item, sorted ascending", ApiEndpoint.Objects);

    public static readonly MetricDefinition StreamInfo = new(
        "cirrus_stream_info", "gauge", ["stream_id", "sub_stream_id", "name", "module"],
        "Always 1; carries the stream's configured name (the id when none) and its module.",
        "Cirrus:Streams names and modules seen in GET /stats/streams", null);

    public static readonly MetricDefinition Up = new(
        "cirrus_up", "gauge", [],
        "1 when every enabled collector's data is fresh (younger than Cirrus:MaxDataAge), else 0.",
        "exporter", null);

    public static readonly MetricDefinition CollectorSuccess = new(
        "cirrus_collector_success", "gauge", ["collector"],
        "1 when the collector's last refresh succeeded completely, else 0.",
        "exporter", null);

    public static readonly MetricDefinition CollectorLastSuccess = new(
        "cirrus_collector_last_success_timestamp_seconds", "gauge", ["collector"],
        "Unix time of the collector's last complete successful refresh (absent before the first).",
        "exporter", null);

    public static readonly MetricDefinition CollectorDuration = new(
        "cirrus_collector_duration_seconds", "gauge", ["collector"],
        "Duration of the collector's last refresh, retries included.",
        "exporter", null);

    public static readonly MetricDefinition ApiRequests = new(
        "cirrus_api_requests_total", "counter", ["endpoint", "code"],
        "Cirrus API attempts, retries included, by endpoint and HTTP code (or timeout, network_error).",
        "exporter", null);

    public static readonly MetricDefinition ApiRetries = new(
        "cirrus_api_retries_total", "counter", ["endpoint"],
        "Cirrus API retries (attempts after the first), by endpoint.",
        "exporter", null);

    public static readonly MetricDefinition ApiRequestDuration = new(
        "cirrus_api_request_duration_seconds", "histogram", ["endpoint"],
        "Duration of Cirrus API attempts, by endpoint.",
        "exporter", null);

    public static readonly MetricDefinition ApiResponsesRejected = new(
        "cirrus_api_responses_rejected_total", "counter", ["endpoint", "reason"],
        "Cirrus API responses refused before parsing, by endpoint and reason: too_large (over Cirrus:Http:MaxResponseBytes), memory_budget (Cirrus:Http:MaxBufferedResponseBytes already held by other bodies), redirect (redirects are not followed).",
        "exporter", null);

    public static readonly MetricDefinition BuildInfo = new(
        "cirrus_exporter_build_info", "gauge", ["version", "revision", "runtime"],
        "Always 1; carries the exporter's version, source revision and .NET runtime.",
        "exporter", null);

    public static readonly MetricDefinition ProcessResidentMemory = new(
        "process_resident_memory_bytes", "gauge", [],
        "Resident memory size of the exporter process in bytes.",
        "exporter", null);

    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        StreamAvailabilityState, StreamAvailabilityStateCode, StreamObjects, StreamSlaExceptionObjects,
        StreamSlaCriticalObjects, StreamOldestOpenObjectAge, StreamInfo, Up, CollectorSuccess,
        CollectorLastSuccess, CollectorDuration, ApiRequests, ApiRetries, ApiRequestDuration, ApiResponsesRejected, BuildInfo,
        ProcessResidentMemory,
    ];

    /// <summary>HELP text: what it is, where it comes from and, for cached families, how often it is refreshed.</summary>
    public static string Help(MetricDefinition metric, CollectorsOptions collectors)
    {
        TimeSpan? refresh = metric.Collector is { } name ? collectors.ByName[name].Interval : null;
        return refresh is { } r
            ? $"{metric.Description} Source: {metric.Source}. Refreshed every {r.TotalSeconds:0.###} s."
            : metric.Source == "exporter" ? metric.Description : $"{metric.Description} Source: {metric.Source}.";
    }
}
