namespace CirrusExporter.Snapshot;

/// <summary>
/// One upstream endpoint, refreshed on its own interval, described by its <see cref="CollectorDescriptor"/>.
/// </summary>
public interface ICollector
{
    CollectorDescriptor Descriptor { get; }

    /// <summary>The collector label value.</summary>
    string Name => Descriptor.Label;

    /// <summary>Fetches and parses; throws when nothing usable came back.</summary>
    Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken);
}
