using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.Objects;

public sealed class ObjectsCollectorOptions : CollectorOptions
{
    public ObjectsCollectorOptions() => Interval = TimeSpan.FromSeconds(60);

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

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (OpenStatuses.Any(s => s <= 0)) yield return ("OpenStatuses", "must list ObjectStatusType ids, e.g. [1, 8]");
        if (PageSize is < 1 or > 100) yield return ("PageSize", "must be between 1 and 100");
        if (MaxPages < 1) yield return ("MaxPages", "must be at least 1");
        if (LookBack <= TimeSpan.Zero) yield return ("LookBack", "must be positive, e.g. 7.00:00:00");
    }
}
