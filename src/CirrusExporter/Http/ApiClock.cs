using CirrusExporter.Metrics;

namespace CirrusExporter.Http;

/// <summary>
/// The API's clock as this process sees it: each response's <c>Date</c> header against this machine's clock when
/// the response arrived. Windows and ages are measured on <see cref="Now"/>, so a local clock that runs ahead or
/// behind neither hides conversations nor inflates ages.
/// </summary>
/// <remarks>
/// The skew is the median of the last <see cref="Samples"/> readings, so one proxy's or cache's stale Date cannot move
/// it, floored to whole seconds: Date has one-second resolution, so an API in step reads 0 to 1 s behind plus the
/// transfer time, which the floor leaves at 0. Until the first response the clocks count as equal.
/// </remarks>
public sealed class ApiClock(TimeProvider time, SelfMetrics metrics)
{
    private const int Samples = 15;
    private readonly Lock _lock = new();
    private readonly double[] _readings = new double[Samples];
    private int _count;
    private int _next;
    private long _skewTicks;

    /// <summary>This machine's clock minus the API's.</summary>
    public TimeSpan Skew => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));

    /// <summary>Now on the API's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow() - Skew;

    /// <summary>Takes the Date of a response that has just arrived.</summary>
    public void Observe(DateTimeOffset apiDate)
    {
        var reading = (time.GetUtcNow() - apiDate).TotalSeconds;
        lock (_lock)
        {
            _readings[_next] = reading;
            _next = (_next + 1) % Samples;
            _count = Math.Min(_count + 1, Samples);
            var sorted = _readings[.._count];
            Array.Sort(sorted);
            var skew = Math.Floor(sorted[_count / 2]);
            Interlocked.Exchange(ref _skewTicks, TimeSpan.FromSeconds(skew).Ticks);
            metrics.SetClockSkew(skew);
        }
    }
}
