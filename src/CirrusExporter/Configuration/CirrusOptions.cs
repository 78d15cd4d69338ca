using System.Collections.Concurrent;

namespace CirrusExporter.Configuration;

/// <summary>Everything under the "Cirrus" configuration section.</summary>
public sealed class CirrusOptions
{
    public const string Section = "Cirrus";

    [KeyDoc("Base URL of the Cirrus (CommBox) REST API. Change it only for a brand on another host, or to point the "
        + "exporter at a test double.",
        Readme = "API base URL")]
    public Uri BaseUrl { get; set; } = new("https://api.commbox.io");

    [KeyDoc("The API key, sent as `Authorization: Bearer ...`. Required unless `ApiTokenFile` is set; blank, or with "
        + "whitespace inside (`Bearer ...` pasted in), is a configuration error. Prefer the environment or a file to "
        + "the command line, where other users can read it. See [The API token](#the-api-token).",
        Readme = "the API key")]
    public string? ApiToken { get; set; }

    [KeyDoc("Path of a file holding the API key (surrounding whitespace and newlines are ignored; an empty or blank "
        + "file is a configuration error). Takes precedence over `ApiToken`. Re-read every 5 seconds, so a rotated key "
        + "needs no restart.",
        Readme = "a file holding the API key, re-read every 5 seconds, so a rotated secret needs no restart")]
    public string? ApiTokenFile { get; set; }

    [KeyDoc("Value of the `tenant` label on every `cirrus_*` series: which tenant (Cirrus account) the series "
        + "describe, so alerts and dashboards tell tenants apart and an incident is the same whichever pod or replica "
        + "reports it. Set it when several exporters watch different tenants through the same API host. 1 to 128 "
        + "letters, digits, `.`, `-`, `_`, `:`.",
        WhenUnset = "the host of `BaseUrl`; `demo` with `--demo`",
        Readme = "the `tenant` label of every `cirrus_*` series")]
    public string? Tenant { get; set; }

    /// <summary>The `tenant` label value: <see cref="Tenant"/>, else the API host.</summary>
    public string TenantLabel => string.IsNullOrEmpty(Tenant) ? BaseUrl.Host : Tenant;

    public List<StreamOptions> Streams { get; set; } = [];

    [KeyDoc("Also watch every stream that `/stats/streams` reports. Needs the `StreamStats` collector. Turn it off to "
        + "watch only the listed streams.",
        Readme = "also watch every stream `/stats/streams` reports")]
    public bool DiscoverStreams { get; set; } = true;

    [KeyDoc("Most streams and sub-streams watched, in every collector's calls and series. Configured ones count first, "
        + "in the order listed (sub-streams included); discovered ones fill the rest, lowest ids first; those beyond "
        + "are dropped (`cirrus_streams_dropped`, one log line when the number changes). Each watched stream costs one "
        + "availability call per refresh, and one objects call while it has something open; past 80 % of the request "
        + "rate the scheduler lengthens the intervals, objects first, none beyond half of `MaxDataAge` "
        + "(`cirrus_collector_effective_interval_seconds`), and the availability calls go before the objects calls. At "
        + "the defaults (25 requests/s, 5 minutes) 2,500 availability calls every 150 s take 67 % of the rate, and the "
        + "objects calls of a tenant with a third of its streams open the rest (see "
        + "[Sizing](#sizing-and-the-scheduler)). Beyond, raise it with `MaxDataAge` or `Http:RateLimitPerSecond`. At "
        + "least 1.")]
    public int MaxStreams { get; set; } = 2500;

    [KeyDoc("Most distinct `unknown_N` values per label (`module`, `status`) exported. Ids the API sends beyond them "
        + "are left out of every series and counted in `cirrus_label_values_folded_total`, so a broken upstream cannot "
        + "create thousands of series. Known and configured names are not limited. 0 exports no unknown id.")]
    public int MaxUnknownLabelValues { get; set; } = 50;

    [KeyDoc("Data older than this is withdrawn from `/metrics`, `cirrus_up` turns 0 and `/readyz` answers 503. Must be "
        + "at least every enabled collector's interval; two to three times the longest interval rides out a failed "
        + "refresh or two. Also the longest gap between two availability polls that both saw a stream closed for that "
        + "time to count as closed in first-response times (see metrics.md).",
        Readme = "data older than this is withdrawn and `/readyz` turns 503")]
    public TimeSpan MaxDataAge { get; set; } = TimeSpan.FromMinutes(5);

    [KeyDoc("What the `Item1` list of `/stats/streamsSLAExceptions` holds: `Breaches` (then `Item2` is the "
        + "SLA-critical list) or `Critical` (the reverse). The vendor does not document it; compare with the console's "
        + "SLA colours.",
        Readme = "which SLA list the API's `Item1` holds")]
    public SlaItem1 SlaItem1 { get; set; } = SlaItem1.Breaches;

    [KeyDoc("Replaces the `module` label value of ModuleType `<id>`, e.g. `Cirrus:ModuleNames:9` = `webchat`. "
        + "Lower-case letters, digits and `_`. Built-in names: [metrics.md](metrics.md#module-and-status-names).",
        WhenUnset = "built-in names")]
    public Dictionary<string, string> ModuleNames { get; set; } = [];

    [KeyDoc("Replaces the `status` label value of ObjectStatusType `<id>`, e.g. `Cirrus:StatusNames:1` = `new`. Same "
        + "rules.",
        WhenUnset = "built-in names")]
    public Dictionary<string, string> StatusNames { get; set; } = [];

    /// <summary>
    /// No keys of its own for the binder: each collector's descriptor binds its own section (see
    /// <see cref="CollectorsOptions"/>).
    /// </summary>
    public CollectorsOptions Collectors { get; set; } = new();

    public HttpOptions Http { get; set; } = new();
}

public enum SlaItem1
{
    Breaches,
    Critical,
}

public sealed class StreamOptions
{
    [KeyDoc("Numeric id of a stream to watch (Console → Settings → the channel; the id is under its name). Each "
        + "stream once.",
        WhenUnset = "required",
        Readme = "a stream to watch")]
    public long Id { get; set; }

    [KeyDoc("Name shown in the `name` label of `cirrus_stream_info`.",
        WhenUnset = "the id",
        Readme = "its name in `cirrus_stream_info`")]
    public string? Name { get; set; }

    [KeyDoc("Sub-stream ids of the stream. When listed, availability is polled per sub-stream "
        + "(`/streams/{id}/substreams/{sub}/streamavailability`) instead of for the whole stream.",
        WhenUnset = "none",
        Readme = "its sub-streams, polled for availability one by one")]
    public List<long> SubStreams { get; set; } = [];
}

/// <summary>
/// Every collector's options, by its section. Each is bound from its own section,
/// <c>Cirrus:Collectors:&lt;Section&gt;</c>, by its descriptor's <see cref="CollectorOptionsBinding"/>: a new collector
/// needs no property here. A collector not bound has its defaults.
/// </summary>
public sealed class CollectorsOptions
{
    private readonly ConcurrentDictionary<string, CollectorOptions> _bySection = new(StringComparer.Ordinal);
    private IReadOnlyList<ICollectorSection> _sections = [];

    public CollectorsOptions()
    {
    }

    /// <summary>The defaults of <paramref name="collectors"/>, which the key walk lists in this order.</summary>
    public CollectorsOptions(IEnumerable<ICollectorSection> collectors)
    {
        _sections = [.. collectors];
        foreach (var c in _sections) _bySection[c.Section] = c.OptionsBinding.Create();
    }

    /// <summary>
    /// The collectors given when it was made or bound, in their order (a method: the binder reads no key here).
    /// </summary>
    internal IReadOnlyList<ICollectorSection> Sections() => _sections;

    public CollectorOptions For(ICollectorSection collector) =>
        _bySection.GetOrAdd(collector.Section, _ => collector.OptionsBinding.Create());

    /// <summary>A collector's own options type, for the collector itself.</summary>
    public TOptions Of<TOptions>(ICollectorSection collector) where TOptions : CollectorOptions =>
        (TOptions)For(collector);

    /// <summary>Binds each collector's section of <paramref name="section"/> (<c>Cirrus:Collectors</c>).</summary>
    public void Bind(IConfiguration section, IEnumerable<ICollectorSection> collectors)
    {
        _sections = [.. collectors];
        foreach (var c in _sections) _bySection[c.Section] = c.OptionsBinding.Bind(section.GetSection(c.Section));
    }
}

/// <summary>What every collector's section holds.</summary>
public class CollectorOptions
{
    [KeyDoc("Run this collector; the docs show each collector's cost from its descriptor.")]
    public bool Enabled { get; set; } = true;

    [KeyDoc("Time between the starts of two refreshes. At least 1 second.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    [KeyDoc("Deadline of one refresh, retries and rate-limit waits included. A refresh that misses it fails as a "
        + "whole.",
        WhenUnset = "the interval in force, `cirrus_collector_effective_interval_seconds`")]
    public TimeSpan? Timeout { get; set; }

    public TimeSpan Deadline => DeadlineAt(Interval);

    /// <summary>The deadline of a refresh at <paramref name="interval"/> (a stretched one): Timeout when set.</summary>
    public TimeSpan DeadlineAt(TimeSpan interval) => Timeout ?? interval;

    /// <summary>Checks the collector's own keys beyond these three; reports (key under its section, message).</summary>
    public virtual IEnumerable<(string Key, string Message)> Validate() => [];
}

public sealed class HttpOptions
{
    [KeyDoc("Timeout of one HTTP attempt, headers and body together, at least 10 ms, so a body that trickles in cannot "
        + "hold a refresh. A timed-out attempt counts as `code=\"timeout\"` and is retried.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [KeyDoc("Retries after the first attempt, 0 to 10, on 5xx, 408, 429, timeouts and connection errors. Other 4xx "
        + "(400, 401, 403, 404) are not retried.")]
    public int MaxRetries { get; set; } = 3;

    [KeyDoc("First back-off delay; it doubles with each retry, with jitter. Not negative.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [KeyDoc("Longest `Retry-After` (seconds or HTTP date, on 429 and 503) that is honoured; a longer one is cut to "
        + "this. Without the header the exponential back-off applies. Not negative.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    [KeyDoc("Most requests per second across all collectors, retries included, spaced evenly; requests beyond it wait. "
        + "The API publishes no limit, so the rate adapts below this ceiling: each HTTP 429 halves it (not below 1/s), "
        + "each `RateIncreaseInterval` without one adds `RateIncreaseStep` back, and a `Retry-After` holds every "
        + "request until it has passed (`cirrus_api_request_rate_limit`). `0` turns the limit and its adaptation off.",
        Readme = "most requests per second, retries included; halved on HTTP 429 and raised back while none comes")]
    public int RateLimitPerSecond { get; set; } = 25;

    [KeyDoc("Time without an HTTP 429 after which a lowered request rate rises by `RateIncreaseStep`. At least 100 "
        + "ms.")]
    public TimeSpan RateIncreaseInterval { get; set; } = TimeSpan.FromSeconds(10);

    [KeyDoc("Requests per second added back after each quiet `RateIncreaseInterval`, up to `RateLimitPerSecond`. Above "
        + "0.")]
    public double RateIncreaseStep { get; set; } = 1;

    [KeyDoc("Requests in flight at once across all collectors (1 to 256); also the parallelism of each per-stream "
        + "fan-out.",
        Readme = "requests in flight at once, across collectors")]
    public int MaxConcurrency { get; set; } = 8;

    [KeyDoc("Share of failed attempts (the retryable kinds) within `CircuitSamplingDuration` that opens the circuit. "
        + "While open, calls fail at once instead of hitting a failing API. Above 0, at most 1.")]
    public double CircuitFailureRatio { get; set; } = 0.5;

    [KeyDoc("Window over which the failure ratio is measured. At least 0.5 s.")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    [KeyDoc("Attempts needed within the window before the circuit can open. At least 2.")]
    public int CircuitMinimumThroughput { get; set; } = 20;

    [KeyDoc("How long the circuit stays open before a trial call. At least 0.5 s.")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    [KeyDoc("Largest response body read (16 MiB), 1024 to 1073741824, counted after decoding (gzip, deflate and br are "
        + "offered and decoded, so a small compressed body that inflates beyond it is cut off there); a larger one "
        + "fails the call (not retried, counted in `cirrus_api_responses_rejected_total{reason=\"too_large\"}`) rather "
        + "than exhausting memory. 16 MiB is about 30 times `/stats/streams` of a 500-stream tenant with every status "
        + "in use.")]
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    [KeyDoc("Response bytes all calls may hold at once, across collectors (32 MiB): the process-wide bound on body "
        + "memory, so parallel oversized bodies cannot add up. A body that would go beyond it fails that attempt, "
        + "which is retried (`reason=\"memory_budget\"`). At least `MaxResponseBytes`; the default lets the two large "
        + "bodies (`/stats/streams` and `/stats/streamsSLAExceptions`) be read at full size at once.")]
    public long MaxBufferedResponseBytes { get; set; } = 32L * 1024 * 1024;
}
