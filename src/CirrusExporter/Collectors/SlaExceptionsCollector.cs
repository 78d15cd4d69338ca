using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors;

/// <summary>GET /stats/streamsSLAExceptions: conversations in SLA breach and at the SLA-critical warning.</summary>
public sealed class SlaExceptionsCollector(ICirrusApi api, CirrusResponseReader reader, IOptions<CirrusOptions> options) : ICollector
{
    public string Name => ApiEndpoint.SlaExceptions;

    public CollectorOptions Options => options.Value.Collectors.SlaExceptions;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        using var response = await api.GetStreamsSlaExceptions(cancellationToken);
        return new RefreshResult(new SlaData(await reader.ReadSlaListsAsync(response, Name, cancellationToken)));
    }
}
