using System.Globalization;
using CirrusExporter.Api;
using CirrusExporter.Collectors;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>What a collector's data needs to render: the stream catalogue, label names and HELP text.</summary>
public sealed class RenderContext(CirrusOptions options, LabelNames labels, StreamCatalogue catalogue)
{
    public StreamCatalogue Catalogue => catalogue;

    public LabelNames Labels => labels;

    /// <summary>A collector's options, for data whose rendering depends on them (its own, or another collector's it names).</summary>
    public TOptions OptionsOf<TOptions>(CollectorDescriptor collector) where TOptions : CollectorOptions => options.Collectors.Of<TOptions>(collector);

    public string Help(MetricDefinition metric) => MetricCatalogue.Help(metric, options.Collectors);

    /// <summary>Current rows summed per label set, plus 0 for every known combination not reported now.</summary>
    public void StatFamily(ExpositionWriter w, MetricDefinition metric, IEnumerable<StatRow> rows, IEnumerable<(StreamKey Key, int Module, int Status)> known)
    {
        var values = new SortedDictionary<(long, long, int, int), double>();
        foreach (var combo in known)
            if (catalogue.StreamIds.Contains(combo.Key.StreamId))
                values[(combo.Key.StreamId, combo.Key.SubStreamId, combo.Module, combo.Status)] = 0;
        foreach (var row in rows.Where(r => catalogue.StreamIds.Contains(r.StreamId)))
        {
            var k = (row.StreamId, row.SubStreamId, row.ModuleId, row.StatusId);
            values[k] = values.GetValueOrDefault(k) + row.Count;
        }
        w.Family(metric, Help(metric));
        foreach (var ((stream, sub, module, status), value) in values)
            // An id beyond Cirrus:MaxUnknownLabelValues is left out (and counted), not exported.
            if (labels.Module(module) is { } m && labels.Status(status) is { } s)
                w.Sample(metric, value, Id(stream), Id(sub), m, s);
    }

    public static (string, string) Ids(StreamKey key) => (Id(key.StreamId), Id(key.SubStreamId));

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
