namespace CirrusSimulator.Api;

/// <summary>Marks a Cirrus API endpoint; the index is its slot in the call counter.</summary>
internal sealed record CirrusEndpoint(int CounterIndex)
{
    public static readonly CirrusEndpoint Availability = new(0);
    public static readonly CirrusEndpoint StreamStats = new(1);
    public static readonly CirrusEndpoint SlaExceptions = new(2);
    public static readonly CirrusEndpoint Objects = new(3);
}

/// <summary>Marks an /admin endpoint.</summary>
internal sealed record AdminEndpoint
{
    public static readonly AdminEndpoint Instance = new();
}
