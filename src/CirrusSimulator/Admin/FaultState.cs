namespace CirrusSimulator.Admin;

/// <summary>One consistent set of fault settings; replaced whole so a request never sees half an update.</summary>
internal sealed record Faults(
    int LatencyMs,
    double ErrorRate,
    double ThrottleRate,
    int RetryAfterSeconds,
    bool TokenRevoked,
    double MalformedRate,
    int RateLimitPerSecond)
{
    public static readonly Faults None = new(0, 0, 0, 0, false, 0, 0);

    public static Faults From(FaultOptions options) => new(
        options.LatencyMs, options.ErrorRate, options.ThrottleRate, options.RetryAfterSeconds, options.TokenRevoked,
        options.MalformedRate,
        options.RateLimitPerSecond);
}

/// <summary>
/// The live fault settings, the dice that decide which calls they hit, and the bucket of the hidden rate limit.
/// </summary>
internal sealed class FaultState(FaultOptions initial, int seed, TimeProvider time)
{
    // Separate from the simulation's random source so that faults never change the simulated tenant.
    private readonly Random _random = new(unchecked(seed * 31 + 7));
    private readonly Lock _gate = new();
    private Faults _current = Faults.From(initial);
    private double _tokens = double.MaxValue;
    private long _refilled = time.GetTimestamp();

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

    /// <summary>
    /// Takes one call from a token bucket that holds one second's worth of <paramref name="perSecond"/> and refills
    /// continuously; false when it is empty, so a client that keeps under the rate is never refused, and one above it
    /// is.
    /// </summary>
    public bool WithinRate(int perSecond)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var elapsed = (double)(now - _refilled) / time.TimestampFrequency;
            _refilled = now;
            _tokens = Math.Min(perSecond, _tokens == double.MaxValue ? perSecond : _tokens + elapsed * perSecond);
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}
