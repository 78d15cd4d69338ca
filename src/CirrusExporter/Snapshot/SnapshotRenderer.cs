using System.Buffers;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Renders the cached families, so a scrape only copies bytes. Each collector's families form one part;
/// a part is rendered (and compressed) again only when its own data or the stream catalogue changed, and
/// a scrape serves the parts whose data is fresh. Called under the store's publish lock, which is what
/// lets it reuse one render buffer.
/// </summary>
public sealed class SnapshotRenderer(CirrusOptions options, LabelNames labels)
{
    public const string InfoPart = "info";

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The text 0.0.4 copy of a part that differs as text.</summary>
    private readonly ArrayBufferWriter<byte> _text = new();

    /// <summary>
    /// Ids as label values, reused across renders; emptied when it holds far more ids than are watched.
    /// </summary>
    private readonly Dictionary<long, string> _ids = [];

    public Dictionary<string, RenderedPart> Render(
        IReadOnlyDictionary<string, CollectorState> states, StreamCatalogue catalogue,
        IReadOnlyDictionary<string, RenderedPart> previous)
    {
        if (_ids.Count > 4 * catalogue.Streams.Count + 1024) _ids.Clear();
        var context = new RenderContext(options, labels, catalogue, states, _ids);
        var parts = new Dictionary<string, RenderedPart>();
        foreach (var state in states.Values)
        {
            if (state.Data is not { } data) continue;
            parts[state.Name] = previous.TryGetValue(state.Name, out var part) && part.Renders(data, catalogue)
                ? part
                : RenderPart(data, catalogue, w => data.Render(w, context));
        }
        parts[InfoPart] = previous.TryGetValue(InfoPart, out var info) && info.Renders(null, catalogue)
            ? info
            : RenderPart(null, catalogue, w => Info(w, context));
        return parts;
    }

    /// <summary>
    /// Renders a part once, as OpenMetrics; a part whose text 0.0.4 differs (it holds counters) gets that as a copy.
    /// </summary>
    private RenderedPart RenderPart(object? source, StreamCatalogue catalogue, Action<ExpositionWriter> render)
    {
        _buffer.ResetWrittenCount();
        var writer = new ExpositionWriter(_buffer, options.TenantLabel, openMetrics: true);
        render(writer);
        if (!writer.DiffersAsText) return RenderedPart.Create(source, catalogue, _buffer.WrittenSpan);
        _text.ResetWrittenCount();
        writer.CopyAsText(_buffer.WrittenSpan, _text);
        return RenderedPart.Create(source, catalogue, _text.WrittenSpan,
            RenderedPart.Create(source, catalogue, _buffer.WrittenSpan));
    }

    private static void Info(ExpositionWriter w, RenderContext context)
    {
        w.Family(MetricCatalogue.StreamInfo, context.Help(MetricCatalogue.StreamInfo));
        foreach (var s in context.Catalogue.Streams.OrderBy(s => s.Key.StreamId).ThenBy(s => s.Key.SubStreamId))
        {
            var (id, sub) = context.Ids(s.Key);
            w.Sample(MetricCatalogue.StreamInfo, 1, id, sub, s.Name,
                s.ModuleId is { } m ? context.Labels.Module(m) ?? "" : "");
        }
    }
}
