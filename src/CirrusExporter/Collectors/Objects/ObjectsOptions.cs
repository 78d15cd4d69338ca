using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.Objects;

public sealed class ObjectsCollectorOptions : CollectorOptions
{
    public ObjectsCollectorOptions() => Interval = TimeSpan.FromSeconds(60);

    [KeyDoc("How far back the search for the oldest open conversation reaches (the API requires a time range). Older "
        + "open conversations are not seen.")]
    public TimeSpan LookBack { get; set; } = TimeSpan.FromDays(7);

    /// <summary>ObjectStatusType ids that count as open; empty means 1 Open and 8 In Process.</summary>
    /// <remarks>Empty by default because configuration binding appends to a list instead of replacing it.</remarks>
    [KeyDoc("ObjectStatusType ids that count as open; empty means 1 (`open`) and 8 (`in_process`). Also the open "
        + "statuses whose SLA series are zero-filled. A configured list replaces the default.",
        WhenUnset = "1 and 8")]
    public List<int> OpenStatuses { get; set; } = [];

    public IReadOnlyList<int> EffectiveOpenStatuses => OpenStatuses.Count > 0 ? OpenStatuses : [1, 8];

    [KeyDoc("Conversations per page, 1 to 100. The API is asked for the oldest first, so one item is enough.")]
    public int PageSize { get; set; } = 1;

    [KeyDoc("Pages read per stream; raise it with `PageSize` only if the API's sort cannot be trusted. Paging stops at "
        + "the first short page.")]
    public int MaxPages { get; set; } = 1;

    [KeyDoc("Every stream is called at least once in this many refreshes (a share of them at each refresh, so no "
        + "refresh costs a whole sweep). Otherwise a stream that the latest `/stats/streams` read (no older than two "
        + "`StreamStats` intervals) shows without a conversation in the open statuses is exported as 0 without a call, "
        + "once it has answered one (`cirrus_api_calls_skipped_total`). 1 calls every stream every time. At least 1.")]
    public int SweepEvery { get; set; } = 10;

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        if (SweepEvery < 1) yield return ("SweepEvery", "must be at least 1 (1 calls every stream on every refresh)");
        if (OpenStatuses.Any(s => s <= 0)) yield return ("OpenStatuses", "must list ObjectStatusType ids, e.g. [1, 8]");
        if (PageSize is < 1 or > 100) yield return ("PageSize", "must be between 1 and 100");
        if (MaxPages < 1) yield return ("MaxPages", "must be at least 1");
        if (LookBack <= TimeSpan.Zero) yield return ("LookBack", "must be positive, e.g. 7.00:00:00");
    }
}
