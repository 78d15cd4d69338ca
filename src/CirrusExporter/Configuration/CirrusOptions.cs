namespace CirrusExporter.Configuration;

/// <summary>Everything under the "Cirrus" configuration section.</summary>
public sealed class CirrusOptions
{
    public const string Section = "Cirrus";

    /// <summary>API base URL; the vendor's is https://api.commbox.io.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.commbox.io");

    /// <summary>Bearer token. Prefer <see cref="ApiTokenFile"/> for container secrets.</summary>
    public string? ApiToken { get; set; }

    /// <summary>File holding the token; re-read when it changes, so keys rotate without a restart.</summary>
    public string? ApiTokenFile { get; set; }

    public List<StreamOptions> Streams { get; set; } = [];

    /// <summary>Add every stream that /stats/streams reports to the configured ones.</summary>
    public bool DiscoverStreams { get; set; } = true;

    /// <summary>Data older than this is withdrawn from /metrics and /readyz turns not ready.</summary>
    public TimeSpan MaxDataAge { get; set; } = TimeSpan.FromMinutes(5);

    public CollectorsOptions Collectors { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    /// <summary>Which SLA list the tuple's Item1 holds: "breaches" (default) or "critical".</summary>
    public SlaItem1 SlaItem1 { get; set; } = SlaItem1.Breaches;

    /// <summary>Overrides of module label values, by ModuleType id ("9": "webchat").</summary>
    public Dictionary<string, string> ModuleNames { get; set; } = [];

    /// <summary>Overrides of status label values, by ObjectStatusType id ("1": "new").</summary>
    public Dictionary<string, string> StatusNames { get; set; } = [];
}

public enum SlaItem1
{
    Breaches,
    Critical,
}

public sealed class StreamOptions
{
    public long Id { get; set; }

    public string? Name { get; set; }

    /// <summary>Sub-stream ids; availability is then polled per sub-stream.</summary>
    public List<long> SubStreams { get; set; } = [];
}

public sealed class CollectorsOptions
{
    public AvailabilityCollectorOptions Availability { get; set; } = new();
    public CollectorOptions StreamStats { get; set; } = new();
    public CollectorOptions SlaExceptions { get; set; } = new();
    public ObjectsCollectorOptions Objects { get; set; } = new() { Interval = TimeSpan.FromSeconds(60) };

    /// <summary>Each collector's options under its collector label value.</summary>
    public IReadOnlyDictionary<string, CollectorOptions> ByName => new Dictionary<string, CollectorOptions>
    {
        [Api.ApiEndpoint.Availability] = Availability, [Api.ApiEndpoint.StreamStats] = StreamStats,
        [Api.ApiEndpoint.SlaExceptions] = SlaExceptions, [Api.ApiEndpoint.Objects] = Objects,
    };
}

public class CollectorOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Time between the starts of two refreshes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one refresh, retries included. Defaults to the interval.</summary>
    public TimeSpan? Timeout { get; set; }

    public TimeSpan Deadline => Timeout ?? Interval;
}

public sealed class AvailabilityCollectorOptions : CollectorOptions
{
    /// <summary>Sent as ignoreAutomationExsistance: bots are always available, so ignoring them shows real agent cover.</summary>
    public bool IgnoreAutomation { get; set; } = true;

    /// <summary>Sent as autoAssign: count only agents with auto-assignment on as available.</summary>
    public bool AutoAssign { get; set; }
}

public sealed class ObjectsCollectorOptions : CollectorOptions
{
    /// <summary>How far back the oldest-open search looks; the API requires a time range.</summary>
    public TimeSpan LookBack { get; set; } = TimeSpan.FromDays(7);

    /// <summary>ObjectStatusType ids that count as open; empty means 1 Open and 8 In Process.</summary>
    /// <remarks>Empty by default because configuration binding appends to a list instead of replacing it.</remarks>
    public List<int> OpenStatuses { get; set; } = [];

    public IReadOnlyList<int> EffectiveOpenStatuses => OpenStatuses.Count > 0 ? OpenStatuses : [1, 8];

    /// <summary>Items per page; 1 suffices because the API sorts by created time ascending.</summary>
    public int PageSize { get; set; } = 1;

    /// <summary>Pages read per stream; raise with PageSize if the API's sort cannot be trusted.</summary>
    public int MaxPages { get; set; } = 1;
}

public sealed class HttpOptions
{
    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt on 5xx, 408, 429, timeouts and connection errors.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound on a server's Retry-After that is honoured.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests per second across all collectors; 0 turns the limit off.</summary>
    public int RateLimitPerSecond { get; set; } = 25;

    /// <summary>Requests in flight at once across all collectors.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Failure ratio over <see cref="CircuitSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    public int CircuitMinimumThroughput { get; set; } = 20;

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Responses larger than this fail the call instead of exhausting memory.</summary>
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Bytes all response bodies being read or parsed may hold at once, across collectors.</summary>
    public long MaxBufferedResponseBytes { get; set; } = 32L * 1024 * 1024;
}
