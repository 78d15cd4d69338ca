using System.Buffers;
using System.Globalization;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>What a collector's data needs to render: the stream catalogue, label names and HELP text.</summary>
/// <param name="states">The collectors' states being rendered, whose intervals the HELP texts name.</param>
/// <param name="ids">Label values of ids, kept by the renderer from one render to the next.</param>
public sealed class RenderContext(
    CirrusOptions options,
    LabelNames labels,
    StreamCatalogue catalogue,
    IReadOnlyDictionary<string, CollectorState> states,
    Dictionary<long, string> ids)
{
    /// <summary>
    /// Renders run one at a time (under the store's publish lock): one array of each size is enough, and no per-thread
    /// copies.
    /// </summary>
    private static readonly ArrayPool<StatSample> Samples =
        ArrayPool<StatSample>.Create(maxArrayLength: 1 << 26, maxArraysPerBucket: 1);

    public StreamCatalogue Catalogue => catalogue;

    public LabelNames Labels => labels;

    /// <summary>
    /// A collector's options, for data whose rendering depends on them (its own, or another collector's it names).
    /// </summary>
    public TOptions OptionsOf<TOptions>(CollectorDescriptor collector) where TOptions : CollectorOptions =>
        options.Collectors.Of<TOptions>(collector);

    public string Help(MetricDefinition metric) =>
        MetricCatalogue.Help(metric, c => states.TryGetValue(c, out var s) ? s.Interval : null);

    /// <summary>
    /// Current rows summed per label set, plus 0 for every known combination not reported now (a combination
    /// may be given more than once). Sorted and summed in one pooled array: at a large tenant a family is
    /// tens of thousands of series rendered every refresh, and a sorted map of them would allocate megabytes each time.
    /// </summary>
    public void StatFamily(ExpositionWriter w, MetricDefinition metric, IEnumerable<StatRow> rows,
        IEnumerable<(StreamKey Key, int Module, int Status)> known)
    {
        // One array of the largest size it can need, rented once: growing it would leave one array of each size in the
        // pool.
        var samples = Samples.Rent(Count(known) + Count(rows));
        var n = 0;
        try
        {
            foreach (var combo in known)
            {
                if (catalogue.Watches(combo.Key))
                {
                    samples[n++] =
                        new StatSample(combo.Key.StreamId, combo.Key.SubStreamId, combo.Module, combo.Status, 0);
                }
            }

            foreach (var row in rows)
            {
                if (catalogue.Watches(new StreamKey(row.StreamId, row.SubStreamId)))
                    samples[n++] = new StatSample(row.StreamId, row.SubStreamId, row.ModuleId, row.StatusId, row.Count);
            }

            var sorted = samples.AsSpan(0, n);
            sorted.Sort();

            w.Family(metric, Help(metric));
            for (var i = 0; i < sorted.Length;)
            {
                var first = sorted[i];
                var value = 0.0;
                for (; i < sorted.Length && sorted[i].SameSeries(first); i++) value += sorted[i].Value;
                // An id beyond Cirrus:MaxUnknownLabelValues is left out (and counted), not exported.
                if (labels.Module(first.Module) is { } m && labels.Status(first.Status) is { } s)
                    w.Sample(metric, value, Id(first.Stream), Id(first.Sub), m, s);
            }
        }
        finally
        {
            Samples.Return(samples);
        }
    }

    private static int Count<T>(IEnumerable<T> items) =>
        items.TryGetNonEnumeratedCount(out var count) ? count : items.Count();

    /// <summary>One value of a stat family, ordered by its labels.</summary>
    private readonly record struct StatSample(long Stream, long Sub, int Module, int Status, double Value)
        : IComparable<StatSample>
    {
        public int CompareTo(StatSample other)
        {
            var c = Stream.CompareTo(other.Stream);
            if (c == 0) c = Sub.CompareTo(other.Sub);
            if (c == 0) c = Module.CompareTo(other.Module);
            return c != 0 ? c : Status.CompareTo(other.Status);
        }

        public bool SameSeries(StatSample other) =>
            Stream == other.Stream && Sub == other.Sub && Module == other.Module && Status == other.Status;
    }

    public (string, string) Ids(StreamKey key) => (Id(key.StreamId), Id(key.SubStreamId));

    /// <summary>An id as a label value, from the renderer's cache: each render writes the same ids again.</summary>
    public string Id(long id)
    {
        if (!ids.TryGetValue(id, out var text)) ids[id] = text = id.ToString(CultureInfo.InvariantCulture);
        return text;
    }
}
