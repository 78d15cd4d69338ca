namespace CirrusSimulator.Api;

/// <summary>
/// Marks a Cirrus API endpoint. <see cref="Name"/> is the exporter's collector label, under which
/// /admin/calls counts it; <see cref="All"/> is the one list of them.
/// </summary>
internal sealed record CirrusEndpoint(int CounterIndex, string Name)
{
    public static readonly CirrusEndpoint Availability = new(0, "availability");
    public static readonly CirrusEndpoint StreamStats = new(1, "stream_stats");
    public static readonly CirrusEndpoint SlaExceptions = new(2, "sla_exceptions");
    public static readonly CirrusEndpoint Objects = new(3, "objects");

    /// <summary>The objects route read by updated time: what the conversations collector asks for.</summary>
    public static readonly CirrusEndpoint Conversations = new(4, "conversations");

    public static readonly IReadOnlyList<CirrusEndpoint> All = [Availability, StreamStats, SlaExceptions, Objects,
        Conversations];

    /// <summary>
    /// The endpoint a call is counted under: the objects route ordered by updated time counts as conversations.
    /// </summary>
    public static CirrusEndpoint Of(CirrusEndpoint routed, HttpRequest request) =>
        routed == Objects && string.Equals(request.Query["order"], "updatedtime", StringComparison.OrdinalIgnoreCase)
            ? Conversations : routed;
}

/// <summary>Marks an /admin endpoint.</summary>
internal sealed record AdminEndpoint
{
    public static readonly AdminEndpoint Instance = new();
}
