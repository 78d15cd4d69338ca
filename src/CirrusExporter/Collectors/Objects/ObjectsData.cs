using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.Objects;

/// <summary>Oldest open conversation age per stream id, in seconds, as of the refresh.</summary>
public sealed record ObjectsData(IReadOnlyDictionary<long, double> OldestOpenAgeSeconds) : CollectorData
{
    public override void Render(ExpositionWriter w, RenderContext context)
    {
        w.Family(ObjectsMetrics.OldestOpenAge, context.Help(ObjectsMetrics.OldestOpenAge));
        foreach (var (stream, age) in OldestOpenAgeSeconds.Where(kv => context.Catalogue.StreamIds.Contains(kv.Key))
            .OrderBy(kv => kv.Key))
        {
            w.Sample(ObjectsMetrics.OldestOpenAge, age, context.Id(stream), "0");
        }
    }
}
