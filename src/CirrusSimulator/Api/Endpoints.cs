namespace CirrusSimulator.Api;

/// <summary>
/// Marks a Cirrus API endpoint. <see cref="Name"/> is the exporter's collector label, under which /admin/calls counts
/// it; <see cref="All"/> is the one list of them. A collector on a route another one serves is one line here: its
/// name, the endpoint whose route it calls (<see cref="Route"/>) and what tells its request apart
/// (<see cref="Asks"/>); <see cref="CirrusApi"/> then serves it with no change.
/// </summary>
internal sealed record CirrusEndpoint(string Name, CirrusEndpoint? Route = null, Func<HttpRequest, bool>? Asks = null)
{
    public static readonly CirrusEndpoint Availability = new("availability");
    public static readonly CirrusEndpoint StreamStats = new("stream_stats");
    public static readonly CirrusEndpoint SlaExceptions = new("sla_exceptions");
    public static readonly CirrusEndpoint Objects = new("objects");

    /// <summary>The objects route read by updated time: what the conversations collector asks for.</summary>
    public static readonly CirrusEndpoint Conversations = new("conversations", Objects,
        request => string.Equals(request.Query["order"], "updatedtime", StringComparison.OrdinalIgnoreCase));

    public static readonly IReadOnlyList<CirrusEndpoint> All = [Availability, StreamStats, SlaExceptions, Objects,
        Conversations];

    /// <summary>Its place in <see cref="All"/>: the index of its call counter.</summary>
    public int CounterIndex => IndexOf(this);

    /// <summary>
    /// The endpoint a call is counted under: the first in <see cref="All"/> on the routed endpoint's route that asks
    /// for the request, else the routed one (e.g. the objects route ordered by updated time counts as conversations).
    /// </summary>
    public static CirrusEndpoint Of(CirrusEndpoint routed, HttpRequest request) =>
        All.FirstOrDefault(e => ReferenceEquals(e.Route, routed) && e.Asks?.Invoke(request) == true) ?? routed;

    private static int IndexOf(CirrusEndpoint endpoint)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (ReferenceEquals(All[i], endpoint))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"{endpoint.Name} is not in CirrusEndpoint.All (src/CirrusSimulator/Api/"
            + "Endpoints.cs): add it there, or /admin/calls cannot count it");
    }
}

/// <summary>Marks an /admin endpoint.</summary>
internal sealed record AdminEndpoint
{
    public static readonly AdminEndpoint Instance = new();
}
