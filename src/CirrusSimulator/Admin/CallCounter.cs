namespace CirrusSimulator.Admin;

/// <summary>Counts the API calls received per endpoint, whatever their outcome.</summary>
internal sealed class CallCounter
{
    public static readonly string[] Endpoints = ["availability", "stream_stats", "sla_exceptions", "objects"];

    private readonly long[] _counts = new long[Endpoints.Length];

    public void Increment(int endpoint) => Interlocked.Increment(ref _counts[endpoint]);

    public Dictionary<string, long> Snapshot() =>
        Endpoints.Select((name, i) => (name, i)).ToDictionary(e => e.name, e => Interlocked.Read(ref _counts[e.i]));

    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }
}
