using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors;

/// <summary>GET /stats/streams: conversation counts per stream and status; also the discovery source.</summary>
public sealed class StreamStatsCollector(ICirrusApi api, CirrusResponseReader reader, IOptions<CirrusOptions> options) : ICollector
{
    public string Name => ApiEndpoint.StreamStats;

    public CollectorOptions Options => options.Value.Collectors.StreamStats;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        using var response = await api.GetStreamsStats(cancellationToken);
        return new RefreshResult(new StreamStatsData(await reader.ReadStatRowsAsync(response, Name, cancellationToken)));
    }
}
