using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.StreamStats;

/// <summary>
/// GET /stats/streams: conversation counts per stream and status; also the stream source for discovery.
/// </summary>
public sealed class StreamStatsCollector(IStreamStatsApi api, ApiResponseReader reader) : ICollector
{
    public const string Label = "stream_stats";

    public static CollectorDescriptor Descriptor { get; } = new(
        Label, "StreamStats",
        "GET /stats/streams",
        "Poll `GET /stats/streams` (one call per interval): conversation counts, and the source of stream discovery "
            + "and of `module` labels.",
        CollectorRole.StreamSource,
        CollectorPriority.Source,
        (_, _) => 1,
        [StreamStatsMetrics.Objects],
        CollectorOptionsBinding.Of(section => section.Get<CollectorOptions>()),
        CollectorDescriptor.Registers<StreamStatsCollector, IStreamStatsApi>());

    CollectorDescriptor ICollector.Descriptor => Descriptor;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        using var response = await api.GetStreamsStats(cancellationToken);
        return new RefreshResult(new StreamStatsData(await reader.ReadDataAsync(response, Label, StreamStatsData.Parse,
            cancellationToken, StatRows.TryReadBody)));
    }
}
