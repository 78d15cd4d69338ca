using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>
/// Checks the whole "Cirrus" section at start-up, <paramref name="collectors"/>' sections included. Each failure names
/// the key and the fix, so start-up can stop with one clear line.
/// </summary>
public sealed class CirrusOptionsValidator(IEnumerable<CollectorDescriptor> collectors)
    : IValidateOptions<CirrusOptions>
{
    private readonly IReadOnlyList<CollectorDescriptor> _collectors = [.. collectors];

    public ValidateOptionsResult Validate(string? name, CirrusOptions o)
    {
        var errors = new List<string>();
        void Fail(string key, string message) => errors.Add($"{CirrusOptions.Section}:{key} {message}");

        if (!o.BaseUrl.IsAbsoluteUri
            || (o.BaseUrl.Scheme != Uri.UriSchemeHttps && o.BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            Fail("BaseUrl", "must be an absolute https:// URL, e.g. https://api.commbox.io");
        }

        if (!string.IsNullOrEmpty(o.Tenant) && !LabelValue.IsValidTenant(o.Tenant))
            Fail("Tenant", "must be 1 to 128 letters, digits, '.', '-', '_' or ':', e.g. acme or acme.commbox.io");

        if (!string.IsNullOrEmpty(o.ApiTokenFile))
        {
            if (Directory.Exists(o.ApiTokenFile))
            {
                Fail("ApiTokenFile", "names a directory, not a file; give the path of the file holding the key "
                    + "(for a mounted secret, the file inside the directory)");
            }
            else if (!File.Exists(o.ApiTokenFile))
            {
                Fail("ApiTokenFile", "names a file that does not exist; mount the secret there or unset the key");
            }
            else if (TokenFileProblem(o.ApiTokenFile) is { } problem)
            {
                Fail("ApiTokenFile", problem);
            }
        }
        else if (string.IsNullOrWhiteSpace(o.ApiToken))
        {
            Fail("ApiToken", "is required and must not be blank: set Cirrus__ApiToken or Cirrus__ApiTokenFile, "
                + "or run with --demo to try the exporter on simulated data");
        }
        else if (HasInnerWhitespace(o.ApiToken))
        {
            Fail("ApiToken", "holds whitespace or control characters inside the key; give the bare key, "
                + "without \"Bearer \" or line breaks");
        }

        var seen = new HashSet<long>();
        for (var i = 0; i < o.Streams.Count; i++)
        {
            var s = o.Streams[i];
            if (s.Id <= 0) Fail($"Streams:{i}:Id", "must be a positive stream id (Console > Settings > the channel)");
            else if (!seen.Add(s.Id)) Fail($"Streams:{i}:Id", $"repeats stream {s.Id}; list each stream once");
            if (s.SubStreams.Any(sub => sub <= 0)) Fail($"Streams:{i}:SubStreams", "must hold positive sub-stream ids");
        }

        if (o.MaxStreams < 1) Fail("MaxStreams", "must be at least 1");
        if (o.MaxUnknownLabelValues < 0) Fail("MaxUnknownLabelValues", "must not be negative");

        if (o.Streams.Count == 0 && !o.DiscoverStreams)
            Fail("Streams", "is empty and Cirrus:DiscoverStreams is false: list streams or turn discovery on");

        var enabled = _collectors.Where(d => d.Options(o.Collectors).Enabled).ToList();
        if (enabled.Count == 0) Fail("Collectors", "has every collector disabled; enable at least one");
        foreach (var d in enabled)
        {
            var opt = d.Options(o.Collectors);
            if (opt.Interval < TimeSpan.FromSeconds(1))
                Fail($"Collectors:{d.Section}:Interval", "must be at least 00:00:01");
            if (opt.Deadline <= TimeSpan.Zero) Fail($"Collectors:{d.Section}:Timeout", "must be positive");
            if (o.MaxDataAge < opt.Interval)
            {
                Fail("MaxDataAge", $"({o.MaxDataAge}) must be at least Collectors:{d.Section}:Interval "
                    + $"({opt.Interval}), or data would be withdrawn between refreshes");
            }
        }
        var source = _collectors.Single(d => d.Role == CollectorRole.StreamSource);
        if (o.DiscoverStreams && !source.Options(o.Collectors).Enabled)
        {
            Fail("DiscoverStreams", $"needs Collectors:{source.Section}:Enabled, "
                + $"since streams are discovered from {source.Endpoint["GET ".Length..]}");
        }

        foreach (var d in _collectors)
        {
            foreach (var (key, message) in d.Options(o.Collectors).Validate())
                Fail($"Collectors:{d.Section}:{key}", message);
        }

        var h = o.Http;
        if (h.AttemptTimeout < TimeSpan.FromMilliseconds(10))
            Fail("Http:AttemptTimeout", "must be at least 00:00:00.010");
        if (h.MaxRetries is < 0 or > 10) Fail("Http:MaxRetries", "must be between 0 and 10");
        if (h.RetryBaseDelay < TimeSpan.Zero) Fail("Http:RetryBaseDelay", "must not be negative");
        if (h.MaxRetryAfter < TimeSpan.Zero) Fail("Http:MaxRetryAfter", "must not be negative");
        if (h.RateLimitPerSecond < 0) Fail("Http:RateLimitPerSecond", "must be 0 (off) or positive");
        if (h.RateIncreaseInterval < TimeSpan.FromMilliseconds(100))
            Fail("Http:RateIncreaseInterval", "must be at least 00:00:00.1");
        if (!(h.RateIncreaseStep > 0 && double.IsFinite(h.RateIncreaseStep)))
            Fail("Http:RateIncreaseStep", "must be above 0, e.g. 1");
        if (h.MaxConcurrency is < 1 or > 256) Fail("Http:MaxConcurrency", "must be between 1 and 256");
        if (h.CircuitFailureRatio is <= 0 or > 1) Fail("Http:CircuitFailureRatio", "must be above 0 and at most 1");
        if (h.CircuitSamplingDuration < TimeSpan.FromMilliseconds(500))
            Fail("Http:CircuitSamplingDuration", "must be at least 00:00:00.5");
        if (h.CircuitMinimumThroughput < 2) Fail("Http:CircuitMinimumThroughput", "must be at least 2");
        if (h.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
            Fail("Http:CircuitBreakDuration", "must be at least 00:00:00.5");
        if (h.MaxResponseBytes is < 1024 or > 1L << 30)
            Fail("Http:MaxResponseBytes", "must be between 1024 and 1073741824 (1 GiB)");
        if (h.MaxBufferedResponseBytes < h.MaxResponseBytes)
        {
            Fail("Http:MaxBufferedResponseBytes", $"({h.MaxBufferedResponseBytes}) must be at least "
                + $"Cirrus:Http:MaxResponseBytes ({h.MaxResponseBytes}), "
                + "or a body of the largest allowed size could never be read");
        }

        foreach (var (section, kind, names, builtIn) in new[]
        {
            ("ModuleNames", "module", o.ModuleNames, BuiltInNames.Modules),
            ("StatusNames", "status", o.StatusNames, BuiltInNames.Statuses),
        })
        {
            foreach (var (key, value) in names)
            {
                if (!int.TryParse(key, out var id) || !LabelValue.IsValidName(value))
                {
                    Fail($"{section}:{key}",
                        "must map a numeric id to a lower-case name of letters, digits and underscores");
                }
                else if (NameClash(id, value, names, builtIn, kind) is { } clash)
                {
                    Fail($"{section}:{key}", $"'{value}' {clash}");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be the name of <paramref name="id"/>: another id has it, built in or
    /// configured, or it is the unknown_N an unnamed id gets. Two ids with one name would give two series with
    /// identical labels, of which Prometheus keeps one at random.
    /// </summary>
    private static string? NameClash(
        int id, string name, Dictionary<string, string> configured, IReadOnlyDictionary<int, string> builtIn,
        string kind)
    {
        var merged = builtIn.ToDictionary();
        foreach (var (key, value) in configured)
            if (int.TryParse(key, out var other)) merged[other] = value;
        if (merged.Where(kv => kv.Key != id && kv.Value == name).Select(kv => (int?)kv.Key).Min() is { } owner)
            return $"is already the name of {kind} {owner}; give each {kind} a name of its own";
        if (name.StartsWith("unknown_", StringComparison.Ordinal)
            && int.TryParse(name["unknown_".Length..], out var unnamed) && unnamed != id)
        {
            return $"is the name an unnamed {kind} {unnamed} gets; choose another";
        }
        return null;
    }

    /// <summary>Reads the file as the token provider will; the message never contains the token.</summary>
    private static string? TokenFileProblem(string path)
    {
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"names a file that cannot be read ({e.Message}); check its permissions";
        }
        if (token.Length == 0) return "names a file that is empty or holds only whitespace; write the API key into it";
        if (HasInnerWhitespace(token))
            return "names a file that has whitespace or control characters inside the key; write the bare key only";
        return null;
    }

    private static bool HasInnerWhitespace(string token) =>
        token.Trim().Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch));
}
