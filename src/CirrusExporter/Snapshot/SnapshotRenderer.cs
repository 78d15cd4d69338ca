using System.Text;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Renders the cached families once per refresh, so a scrape only copies bytes. Each collector's
/// families form one part; a scrape serves the parts whose data is fresh.
/// </summary>
public sealed class SnapshotRenderer(CirrusOptions options, LabelNames labels)
{
    public const string InfoPart = "info";

    public Dictionary<string, byte[]> Render(IReadOnlyDictionary<string, CollectorState> states, StreamCatalogue catalogue)
    {
        var context = new RenderContext(options, labels, catalogue);
        var parts = new Dictionary<string, byte[]>();
        foreach (var state in states.Values)
        {
            if (state.Data is null) continue;
            var sb = new StringBuilder();
            state.Data.Render(new ExpositionWriter(sb), context);
            parts[state.Name] = Encoding.UTF8.GetBytes(sb.ToString());
        }

        var info = new StringBuilder();
        Info(new ExpositionWriter(info), context);
        parts[InfoPart] = Encoding.UTF8.GetBytes(info.ToString());
        return parts;
    }

    private static void Info(ExpositionWriter w, RenderContext context)
    {
        w.Family(MetricCatalogue.StreamInfo, context.Help(MetricCatalogue.StreamInfo));
        foreach (var s in context.Catalogue.Streams.OrderBy(s => s.Key.StreamId).ThenBy(s => s.Key.SubStreamId))
        {
            var (id, sub) = RenderContext.Ids(s.Key);
            w.Sample(MetricCatalogue.StreamInfo, 1, id, sub, s.Name, s.ModuleId is { } m ? context.Labels.Module(m) ?? "" : "");
        }
    }
}
