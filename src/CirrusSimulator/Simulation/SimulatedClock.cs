namespace CirrusSimulator.Simulation;

/// <summary>Simulated time = start + (clock elapsed since construction) x speed factor.</summary>
internal sealed class SimulatedClock
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _realStart;
    private readonly double _speedFactor;

    public SimulatedClock(TimeProvider time, DateTimeOffset? simulatedStart, double speedFactor)
    {
        _time = time;
        _realStart = time.GetUtcNow();
        _speedFactor = speedFactor;
        Start = (simulatedStart ?? _realStart).ToUniversalTime();
    }

    public DateTimeOffset Start { get; }

    public DateTimeOffset Now =>
        Start + TimeSpan.FromTicks((long)((_time.GetUtcNow() - _realStart).Ticks * _speedFactor));

    /// <summary>Now truncated to the whole simulated second: the simulation moves in whole seconds so that every
    /// endpoint answering within one simulated second sees the same state.</summary>
    public long WholeSecondTicks
    {
        get
        {
            var ticks = Now.UtcTicks;
            return ticks - ticks % TimeSpan.TicksPerSecond;
        }
    }
}
