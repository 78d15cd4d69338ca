using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors;

/// <summary>One upstream endpoint, refreshed on its own interval.</summary>
public interface ICollector
{
    /// <summary>The collector label value, equal to the endpoint it reads.</summary>
    string Name { get; }

    CollectorOptions Options { get; }

    /// <summary>Fetches and parses; throws when nothing usable came back.</summary>
    Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken);
}
