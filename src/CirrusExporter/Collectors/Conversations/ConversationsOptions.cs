using System.Diagnostics.CodeAnalysis;
using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.Conversations;

public sealed class ConversationsCollectorOptions : CollectorOptions
{
    // The key walk (docs, unknown-key check) reads the nested targets' properties too: kept for Native AOT with this
    // class.
    [DynamicDependency(ConfigurationKeys.Walked, typeof(SloTargetOptions))]
    public ConversationsCollectorOptions()
    {
        // Off by default: at least one call per watched stream per interval (see docs/performance.md).
        Enabled = false;
        Interval = TimeSpan.FromSeconds(60);
    }

    [KeyDoc("How far each window reaches back before the end of the previous successful one, so a change recorded late "
        + "upstream is still read. Conversations seen twice are counted once.")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(2);

    [KeyDoc("Conversations per page, 1 to 100; a page shorter than this ends the window.")]
    public int PageSize { get; set; } = 100;

    [KeyDoc("Pages read per stream per refresh. When a stream changed more, the window stops at the last conversation "
        + "read and the next refresh continues from there.")]
    public int MaxPages { get; set; } = 20;

    [KeyDoc("First-response target per `module` label value (e.g. `chat`) or stream id (which wins), exported as "
        + "`cirrus_stream_first_response_slo_*`. Streams without a target get no SLO series.",
        WhenUnset = "chat 60 s at 0.9, whatsapp 5 min at 0.9, mailbox_connector 4 h at 0.95")]
    public Dictionary<string, SloTargetOptions> Slo { get; set; } = new()
    {
        ["chat"] = new() { FirstResponse = TimeSpan.FromSeconds(60), Objective = 0.9 },
        ["whatsapp"] = new() { FirstResponse = TimeSpan.FromMinutes(5), Objective = 0.9 },
        ["mailbox_connector"] = new() { FirstResponse = TimeSpan.FromHours(4), Objective = 0.95 },
    };

    [KeyDoc("Every stream is read at least once in this many refreshes (a share of them at each refresh, so no refresh "
        + "costs a whole sweep). Otherwise a stream is not read while `/stats/streams` reads (no older than two "
        + "`StreamStats` intervals) show it without any conversation, as at its last read, and none of its "
        + "conversations awaits a first response: nothing can have changed (`cirrus_api_calls_skipped_total`). 1 reads "
        + "every stream every time. At least 1.")]
    public int SweepEvery { get; set; } = 10;

    /// <summary>The target of a stream: by stream id first, then by module name.</summary>
    public SloTargetOptions? TargetOf(long streamId, string module) =>
        Slo.GetValueOrDefault(streamId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? Slo.GetValueOrDefault(module);

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        if (Overlap < TimeSpan.Zero) yield return ("Overlap", "must not be negative, e.g. 00:02:00");
        if (PageSize is < 1 or > 100) yield return ("PageSize", "must be between 1 and 100");
        if (MaxPages < 1) yield return ("MaxPages", "must be at least 1");
        if (SweepEvery < 1) yield return ("SweepEvery", "must be at least 1 (1 reads every stream on every refresh)");
        foreach (var (key, target) in Slo)
        {
            if (target.FirstResponse <= TimeSpan.Zero)
            {
                yield return ($"Slo:{key}:FirstResponse", "must be positive, e.g. 00:01:00");
            }
            if (target.Objective is <= 0 or >= 1)
            {
                yield return ($"Slo:{key}:Objective", "must be above 0 and below 1, e.g. 0.9");
            }
        }
    }
}

/// <summary>
/// "<see cref="Objective"/> of conversations get a first response within <see cref="FirstResponse"/>."
/// </summary>
public sealed class SloTargetOptions
{
    [KeyDoc("Longest first-response time that meets the target.")]
    public TimeSpan FirstResponse { get; set; } = TimeSpan.FromSeconds(60);

    [KeyDoc("Share of conversations that must meet it, above 0 and below 1 (0.9 = 90 %).")]
    public double Objective { get; set; } = 0.9;
}
