using CirrusExporter.Collectors;
using CirrusExporter.Configuration;

namespace CirrusExporter.Metrics;

/// <summary>One exported metric family: the public contract that docs, dashboards and rules rely on.</summary>
/// <param name="Collector">The collector whose refresh feeds it, or null for exporter-level families.</param>
public sealed record MetricDefinition(string Name, string Type, string[] Labels, string Description, string Source, string? Collector);

/// <summary>
/// Every metric name, help text and label the exporter serves: the families each collector declares in its
/// descriptor, and the exporter's own. docs/metrics.md is generated from this.
/// </summary>
public static class MetricCatalogue
{
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

    public static readonly MetricDefinition BuildInfo = new(
        "cirrus_exporter_build_info", "gauge", ["version", "revision", "runtime"],
        "Always 1; carries the exporter's version, source revision and .NET runtime.",
        "exporter", null);

    public static readonly MetricDefinition ProcessResidentMemory = new(
        "process_resident_memory_bytes", "gauge", [],
        "Resident memory size of the exporter process in bytes.",
        "exporter", null);

    /// <summary>The collectors' families, in registry order, then the exporter's own.</summary>
    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        .. CollectorRegistry.All.SelectMany(c => c.Metrics),
        StreamInfo, Up, CollectorSuccess, CollectorLastSuccess, CollectorDuration, ApiRequests, ApiRetries,
        ApiRequestDuration, BuildInfo, ProcessResidentMemory,
    ];

    /// <summary>HELP text: what it is, where it comes from and, for cached families, how often it is refreshed.</summary>
    public static string Help(MetricDefinition metric, CollectorsOptions collectors)
    {
        TimeSpan? refresh = metric.Collector is { } name ? CollectorRegistry.ByLabel(name).Options(collectors).Interval : null;
        return refresh is { } r
            ? $"{metric.Description} Source: {metric.Source}. Refreshed every {r.TotalSeconds:0.###} s."
            : metric.Source == "exporter" ? metric.Description : $"{metric.Description} Source: {metric.Source}.";
    }
}
