namespace CirrusSimulator.Admin;

/// <summary>One consistent set of fault settings; replaced whole so a request never sees half an update.</summary>
internal sealed record Faults(
    int LatencyMs,
    double ErrorRate,
    double ThrottleRate,
    int RetryAfterSeconds,
    bool TokenRevoked,
    double MalformedRate)
{
    public static readonly Faults None = new(0, 0, 0, 0, false, 0);

    public static Faults From(FaultOptions options) => new(
        options.LatencyMs, options.ErrorRate, options.ThrottleRate, options.RetryAfterSeconds, options.TokenRevoked, options.MalformedRate);
}

/// <summary>The live fault settings and the dice that decide which calls they hit.</summary>
internal sealed class FaultState(FaultOptions initial, int seed)
{
    // Separate from the simulation's random source so that faults never change the simulated tenant.
    private readonly Random _random = new(unchecked(seed * 31 + 7));
    private readonly Lock _gate = new();
    private Faults _current = Faults.From(initial);

    public Faults Current => Volatile.Read(ref _current);

    public void Set(Faults faults) => Volatile.Write(ref _current, faults);

    /// <summary>True for the given fraction of calls.</summary>
    public bool Hits(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }
        if (rate >= 1)
        {
            return true;
        }
        lock (_gate)
        {
            return _random.NextDouble() < rate;
        }
    }
}
