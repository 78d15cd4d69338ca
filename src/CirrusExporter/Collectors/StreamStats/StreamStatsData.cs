using System.Text.Json;
using CirrusExporter.Api;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.StreamStats;

/// <summary>The rows of /stats/streams: counts per (module, stream, sub-stream, status), and the stream list.</summary>
public sealed record StreamStatsData(IReadOnlyList<StatRow> Rows) : CollectorData, IReportsStreamRows
{
    public IEnumerable<StatRow> StreamRows => Rows;

    /// <summary><c>data</c> is an array of rows.</summary>
    public static IReadOnlyList<StatRow> Parse(JsonElement data, string endpoint) =>
        data.ValueKind == JsonValueKind.Array
            ? StatRows.Parse(data, endpoint)
            : throw TolerantJson.Shape(endpoint, "data", data);

    public override void Render(ExpositionWriter w, RenderContext context) =>
        context.StatFamily(w, StreamStatsMetrics.Objects, Rows, context.Catalogue.KnownSourceCombos);
}
