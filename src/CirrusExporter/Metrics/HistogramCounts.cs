namespace CirrusExporter.Metrics;

/// <summary>
/// A histogram's state: per-bucket counts (not cumulative), sum and count. The one histogram type, for the exporter's
/// own families and the collectors' alike. Not thread-safe: one that is shared is observed and read under its owner's
/// lock.
/// </summary>
public sealed class HistogramCounts(double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];

    public double Sum { get; private set; }

    public long Count { get; private set; }

    public void Observe(double value)
    {
        var i = Array.FindIndex(bounds, b => value <= b);
        _counts[i < 0 ? bounds.Length : i]++;
        Sum += value;
        Count++;
    }

    /// <summary>Cumulative counts per bound, for the exposition, copied so the snapshot stays immutable.</summary>
    public HistogramSnapshot Snapshot()
    {
        var cumulative = new long[bounds.Length];
        long running = 0;
        for (var i = 0; i < bounds.Length; i++) cumulative[i] = running += _counts[i];
        return new HistogramSnapshot(cumulative, Sum, Count);
    }
}

/// <summary>
/// A histogram as published: cumulative bucket counts in bound order, sum and count (the +Inf bucket).
/// </summary>
public sealed record HistogramSnapshot(IReadOnlyList<long> Cumulative, double Sum, long Count);
