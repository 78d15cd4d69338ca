namespace CirrusExporter.Metrics;

/// <summary>One exported metric family: the public contract that docs, dashboards and rules rely on.</summary>
/// <param name="Collector">The collector whose refresh feeds it, or null for exporter-level families.</param>
/// <param name="Refresh">When an exporter-level family's value changes (collector families follow their
/// interval).</param>
/// <param name="Buckets">A histogram's bucket bounds, in seconds.</param>
public sealed record MetricDefinition(
    string Name, string Type, string[] Labels, string Description, string Source, string? Collector,
    string? Refresh = null, double[]? Buckets = null);

/// <summary>
/// Every metric name, help text and label the exporter serves: the families each collector declares in its
/// descriptor, and the exporter's own. docs/metrics.md is generated from this.
/// </summary>
public static class MetricCatalogue
{
    public static readonly MetricDefinition StreamInfo = new(
        "cirrus_stream_info", "gauge", ["stream_id", "sub_stream_id", "name", "module"],
        "Always 1; carries the stream's configured name (the id when none) and its module.",
        "Cirrus:Streams names and modules seen in GET /stats/streams", null,
        "rebuilt whenever any collector refreshes");

    public static readonly MetricDefinition Up = new(
        "cirrus_up", "gauge", [],
        "1 when every enabled collector's data is fresh (younger than Cirrus:MaxDataAge), else 0.",
        "exporter", null, "computed at scrape");

    public static readonly MetricDefinition CollectorSuccess = new(
        "cirrus_collector_success", "gauge", ["collector"],
        "1 when the collector's last refresh succeeded completely, else 0.",
        "exporter", null, "computed at scrape");

    public static readonly MetricDefinition CollectorLastSuccess = new(
        "cirrus_collector_last_success_timestamp_seconds", "gauge", ["collector"],
        "Unix time of the collector's last complete successful refresh (absent before the first).",
        "exporter", null, "computed at scrape");

    public static readonly MetricDefinition CollectorDuration = new(
        "cirrus_collector_duration_seconds", "gauge", ["collector"],
        "Duration of the collector's last refresh, retries included.",
        "exporter", null, "computed at scrape");

    public static readonly MetricDefinition ApiRequests = new(
        "cirrus_api_requests_total", "counter", ["endpoint", "code"],
        "Cirrus API attempts, retries included, by endpoint and HTTP code (or timeout, network_error).",
        "exporter", null, "live");

    public static readonly MetricDefinition ApiRetries = new(
        "cirrus_api_retries_total", "counter", ["endpoint"],
        "Cirrus API retries (attempts after the first), by endpoint.",
        "exporter", null, "live");

    public static readonly MetricDefinition ApiRequestDuration = new(
        "cirrus_api_request_duration_seconds", "histogram", ["endpoint"],
        "Duration of Cirrus API attempts, by endpoint.",
        "exporter", null, "live", [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

    public static readonly MetricDefinition ApiResponsesRejected = new(
        "cirrus_api_responses_rejected_total", "counter", ["endpoint", "reason"],
        "Cirrus API responses refused before parsing, by endpoint and reason: too_large (body over "
            + "Cirrus:Http:MaxResponseBytes), memory_budget (bodies being read at once would exceed "
            + "Cirrus:Http:MaxBufferedResponseBytes; retried), redirect (a 3xx answer: redirects are not followed). "
            + "Every endpoint and reason starts at 0.",
        "exporter", null, "live");

    public static readonly MetricDefinition ClockSkew = new(
        "cirrus_api_clock_skew_seconds", "gauge", [],
        "This machine's clock minus the Cirrus API's, from the Date header of its responses (median of the last 15, "
            + "whole seconds; absent before the first response). Ages and windows are measured on the API's clock, "
            + "this much behind the local one.",
        "exporter", null, "live");

    public static readonly MetricDefinition CallsSkipped = new(
        "cirrus_api_calls_skipped_total", "counter", ["collector"],
        "Per-stream calls not made because the latest GET /stats/streams read showed their answer could not have "
            + "changed (see the collectors' SweepEvery keys), by collector. Every collector starts at 0.",
        "exporter", null, "live");

    public static readonly MetricDefinition RequestRateLimit = new(
        "cirrus_api_request_rate_limit", "gauge", [],
        "Requests per second the exporter allows itself now: Cirrus:Http:RateLimitPerSecond, halved on each HTTP 429 "
            + "and raised by Cirrus:Http:RateIncreaseStep after each quiet Cirrus:Http:RateIncreaseInterval (absent "
            + "when the limit is off).",
        "exporter", null, "live");

    public static readonly MetricDefinition EffectiveInterval = new(
        "cirrus_collector_effective_interval_seconds", "gauge", ["collector"],
        "Time between the starts of two refreshes of the collector as scheduled now: its configured Interval, or "
            + "longer while the API budget is short (planned calls above 80 % of cirrus_api_request_rate_limit), "
            + "lowest priority first and never beyond half of Cirrus:MaxDataAge. Absent before the scheduler's first "
            + "plan.",
        "exporter", null, "set at each refresh");

    public static readonly MetricDefinition BudgetUtilisation = new(
        "cirrus_api_budget_utilisation_ratio", "gauge", [],
        "API calls per second the effective intervals plan (each collector's calls per refresh at most, over its "
            + "effective interval), divided by the request rate available now (cirrus_api_request_rate_limit). Above "
            + "0.8 even at the longest intervals, the budget cannot serve the watched streams. Absent when "
            + "Cirrus:Http:RateLimitPerSecond is 0.",
        "exporter", null, "set at each refresh");

    public static readonly MetricDefinition StreamsDropped = new(
        "cirrus_streams_dropped", "gauge", [],
        "Streams and sub-streams not watched because Cirrus:MaxStreams is reached: configured ones count first, in the "
            + "order listed, then discovered ones by ascending id.",
        "exporter", null, "set at each refresh");

    public static readonly MetricDefinition LabelValuesFolded = new(
        "cirrus_label_values_folded_total", "counter", ["label"],
        "Distinct unknown module or status ids whose series were left out because Cirrus:MaxUnknownLabelValues "
            + "unknown_N values of that label are already exported.",
        "exporter", null, "live");

    public static readonly MetricDefinition RowsIgnored = new(
        "cirrus_rows_ignored_total", "counter", ["collector", "reason"],
        "Upstream rows left out rather than published, by collector and reason: invalid_stream_id (a stream id of 0 or "
            + "below, or a negative sub-stream id), time_out_of_range (a conversation created before the look-back "
            + "window, a time of it in the future, or its first response or close before its creation). Every "
            + "combination starts at 0.",
        "exporter", null, "live");

    public static readonly MetricDefinition BuildInfo = new(
        "cirrus_exporter_build_info", "gauge", ["version", "revision", "runtime"],
        "Always 1; carries the exporter's version, source revision and .NET runtime.",
        "exporter", null, "fixed at start");

    public static readonly MetricDefinition ConfigLastReloadSuccessful = new(
        "cirrus_config_last_reload_successful", "gauge", [],
        "1 when the last configuration reload (SIGHUP or POST /-/reload) succeeded, or none was tried; 0 when it was "
            + "refused and the previous configuration still runs.",
        "exporter", null, "set at each reload");

    public static readonly MetricDefinition ConfigLastReloadSuccess = new(
        "cirrus_config_last_reload_success_timestamp_seconds", "gauge", [],
        "Unix time of the last successful configuration load: the start, or the last reload that succeeded.",
        "exporter", null, "set at each reload");

    public static readonly MetricDefinition ProcessResidentMemory = new(
        "process_resident_memory_bytes", "gauge", [],
        "Resident memory size of the exporter process in bytes.",
        "exporter", null, "computed at scrape");

    /// <summary>
    /// The standard runtime families, with prometheus-net's DotNetStats names and help. Outside the contract
    /// (no dashboard or rule needs them) but listed, so every name served is defined here.
    /// </summary>
    public static class Runtime
    {
        public static readonly MetricDefinition GcCollections =
            Standard("dotnet_collection_count_total", "counter", "GC collection count", "generation");
        public static readonly MetricDefinition StartTime =
            Standard("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        public static readonly MetricDefinition Cpu =
            Standard("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        public static readonly MetricDefinition VirtualMemory =
            Standard("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
        public static readonly MetricDefinition WorkingSet =
            Standard("process_working_set_bytes", "gauge", "Process working set");
        public static readonly MetricDefinition PrivateMemory =
            Standard("process_private_memory_bytes", "gauge", "Process private memory size");
        public static readonly MetricDefinition OpenHandles =
            Standard("process_open_handles", "gauge", "Number of open handles");
        public static readonly MetricDefinition Threads =
            Standard("process_num_threads", "gauge", "Total number of threads");
        public static readonly MetricDefinition ManagedMemory =
            Standard("dotnet_total_memory_bytes", "gauge", "Total known allocated memory");

        public static readonly IReadOnlyList<MetricDefinition> All =
        [
            GcCollections, StartTime, Cpu, VirtualMemory, WorkingSet, PrivateMemory, OpenHandles, Threads,
            ManagedMemory,
        ];

        private static MetricDefinition Standard(string name, string type, string help, params string[] labels) =>
            new(name, type, labels, help, "exporter", null, "computed at scrape");
    }

    /// <summary>
    /// The constant label the exporter adds to every <c>cirrus_*</c> series (not the runtime families): the tenant
    /// (Cirrus:Tenant) the series describe. Rules and Alertmanager key incidents on it instead of the pod.
    /// </summary>
    public const string TenantLabel = "tenant";

    public static bool CarriesTenant(MetricDefinition metric) =>
        metric.Name.StartsWith("cirrus_", StringComparison.Ordinal);

    /// <summary>The labels a family's series carry: the tenant first, then its own.</summary>
    public static string[] SeriesLabels(MetricDefinition metric) =>
        CarriesTenant(metric) ? [TenantLabel, .. metric.Labels] : metric.Labels;

    /// <summary>The exporter's own families, served whichever collectors run.</summary>
    public static readonly IReadOnlyList<MetricDefinition> Exporter =
    [
        StreamInfo, Up, CollectorSuccess, CollectorLastSuccess, CollectorDuration, ApiRequests, ApiRetries,
        ApiRequestDuration, ApiResponsesRejected, ClockSkew, RequestRateLimit, EffectiveInterval, BudgetUtilisation,
        CallsSkipped, StreamsDropped, LabelValuesFolded, RowsIgnored, BuildInfo, ConfigLastReloadSuccessful,
        ConfigLastReloadSuccess,
        ProcessResidentMemory,
    ];

    /// <summary>
    /// Every family: the collectors' (each collector's descriptor declares them), in their order, then the exporter's
    /// own.
    /// </summary>
    public static IReadOnlyList<MetricDefinition> All(IEnumerable<MetricDefinition> collectors) =>
        [.. collectors, .. Exporter];

    /// <summary>
    /// HELP text: what it is, where it comes from and, for cached families, how often it is refreshed.
    /// </summary>
    /// <param name="intervalOf">The interval of the collector with the given label, whose refresh feeds a cached
    /// family.</param>
    public static string Help(MetricDefinition metric, Func<string, TimeSpan?> intervalOf)
    {
        var refresh = metric.Collector is { } name ? intervalOf(name) : null;
        return refresh is { } r
            ? $"{metric.Description} Source: {metric.Source}. Refreshed every {r.TotalSeconds:0.###} s."
            : metric.Source == "exporter" ? metric.Description : $"{metric.Description} Source: {metric.Source}.";
    }
}
