using CirrusSimulator.Api;

namespace CirrusSimulator.Admin;

/// <summary>Counts the API calls received per endpoint, whatever their outcome.</summary>
internal sealed class CallCounter
{
    private readonly long[] _counts = new long[CirrusEndpoint.All.Count];

    public void Increment(CirrusEndpoint endpoint) => Interlocked.Increment(ref _counts[endpoint.CounterIndex]);

    public Dictionary<string, long> Snapshot() =>
        CirrusEndpoint.All.ToDictionary(e => e.Name, e => Interlocked.Read(ref _counts[e.CounterIndex]));

    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }
}
