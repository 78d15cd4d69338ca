namespace CirrusExporter.Api;

/// <summary>The endpoint label values, shared by collectors and the API self-metrics.</summary>
public static class ApiEndpoint
{
    public const string Availability = "availability";
    public const string StreamStats = "stream_stats";
    public const string SlaExceptions = "sla_exceptions";
    public const string Objects = "objects";

    public static readonly IReadOnlyList<string> All = [Availability, StreamStats, SlaExceptions, Objects];

    /// <summary>Maps a request path to its endpoint label, so per-attempt handlers need no extra plumbing.</summary>
    public static string FromPath(string path) =>
        path.EndsWith("/streamavailability", StringComparison.OrdinalIgnoreCase) ? Availability
        : path.EndsWith("/stats/streams", StringComparison.OrdinalIgnoreCase) ? StreamStats
        : path.EndsWith("/stats/streamsSLAExceptions", StringComparison.OrdinalIgnoreCase) ? SlaExceptions
        : path.EndsWith("/objects", StringComparison.OrdinalIgnoreCase) ? Objects
        : "other";
}
