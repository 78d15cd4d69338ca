namespace CirrusExporter.Snapshot;

/// <summary>
/// A reader's hold on a snapshot's parts, from <see cref="SnapshotStore.Acquire"/>: their pooled chunks stay as they
/// are until it is disposed, however many refreshes publish meanwhile. Disposing it twice is harmless.
/// </summary>
public sealed class SnapshotLease : IDisposable
{
    private int _disposed;

    internal SnapshotLease(MetricsSnapshot snapshot, DateTimeOffset now, IReadOnlyList<RenderedPart> parts) =>
        (Snapshot, Now, Parts) = (snapshot, now, parts);

    public MetricsSnapshot Snapshot { get; }

    /// <summary>When the parts were chosen: freshness was judged at this moment.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>
    /// The fresh collectors' parts by name, then the info part; read them only until the lease is disposed.
    /// </summary>
    public IReadOnlyList<RenderedPart> Parts { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var part in Parts) part.Release();
    }
}
