using System.Globalization;
using System.Text;
using CirrusExporter.Api;
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

    private static readonly string[] States = ["inactive", "available", "busy", "unavailable"];

    public Dictionary<string, byte[]> Render(IReadOnlyDictionary<string, CollectorState> states, StreamCatalogue catalogue)
    {
        var parts = new Dictionary<string, byte[]>();
        foreach (var state in states.Values)
        {
            if (state.Data is null) continue;
            var sb = new StringBuilder();
            var w = new ExpositionWriter(sb);
            switch (state.Data)
            {
                case AvailabilityData a: Availability(w, a, catalogue); break;
                case StreamStatsData s: StatFamily(w, MetricCatalogue.StreamObjects, s.Rows, catalogue.KnownStatCombos, catalogue); break;
                case SlaData sla:
                    var openCombos = catalogue.KnownStatCombos.Where(c => options.Collectors.Objects.EffectiveOpenStatuses.Contains(c.Status));
                    var zeroFill = catalogue.KnownSlaCombos.Concat(openCombos).ToHashSet();
                    StatFamily(w, MetricCatalogue.StreamSlaExceptionObjects, sla.Lists.Breaches, zeroFill, catalogue);
                    StatFamily(w, MetricCatalogue.StreamSlaCriticalObjects, sla.Lists.Critical, zeroFill, catalogue);
                    break;
                case ObjectsData o: Objects(w, o, catalogue); break;
            }
            parts[state.Name] = Encoding.UTF8.GetBytes(sb.ToString());
        }

        var info = new StringBuilder();
        Info(new ExpositionWriter(info), catalogue);
        parts[InfoPart] = Encoding.UTF8.GetBytes(info.ToString());
        return parts;
    }

    private void Availability(ExpositionWriter w, AvailabilityData data, StreamCatalogue catalogue)
    {
        // Only streams still in the catalogue: a stream that vanished upstream loses its series at once.
        var watched = catalogue.Streams.Select(s => s.Key).ToHashSet();
        var current = data.States.Where(kv => watched.Contains(kv.Key)).OrderBy(kv => kv.Key.StreamId).ThenBy(kv => kv.Key.SubStreamId).ToList();
        w.Family(MetricCatalogue.StreamAvailabilityState, Help(MetricCatalogue.StreamAvailabilityState));
        foreach (var (key, state) in current)
        {
            var (id, sub) = Ids(key);
            for (var i = 0; i < States.Length; i++)
                w.Sample(MetricCatalogue.StreamAvailabilityState, i == state ? 1 : 0, id, sub, States[i]);
        }
        w.Family(MetricCatalogue.StreamAvailabilityStateCode, Help(MetricCatalogue.StreamAvailabilityStateCode));
        foreach (var (key, state) in current)
        {
            var (id, sub) = Ids(key);
            w.Sample(MetricCatalogue.StreamAvailabilityStateCode, state, id, sub);
        }
    }

    /// <summary>Current rows summed per label set, plus 0 for every known combination not reported now.</summary>
    private void StatFamily(ExpositionWriter w, MetricDefinition metric, IReadOnlyList<StatRow> rows,
        IEnumerable<(StreamKey Key, int Module, int Status)> known, StreamCatalogue catalogue)
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
            w.Sample(metric, value, Id(stream), Id(sub), labels.Module(module), labels.Status(status));
    }

    private void Objects(ExpositionWriter w, ObjectsData data, StreamCatalogue catalogue)
    {
        w.Family(MetricCatalogue.StreamOldestOpenObjectAge, Help(MetricCatalogue.StreamOldestOpenObjectAge));
        foreach (var (stream, age) in data.OldestOpenAgeSeconds.Where(kv => catalogue.StreamIds.Contains(kv.Key)).OrderBy(kv => kv.Key))
            w.Sample(MetricCatalogue.StreamOldestOpenObjectAge, age, Id(stream), "0");
    }

    private void Info(ExpositionWriter w, StreamCatalogue catalogue)
    {
        w.Family(MetricCatalogue.StreamInfo, Help(MetricCatalogue.StreamInfo));
        foreach (var s in catalogue.Streams.OrderBy(s => s.Key.StreamId).ThenBy(s => s.Key.SubStreamId))
        {
            var (id, sub) = Ids(s.Key);
            w.Sample(MetricCatalogue.StreamInfo, 1, id, sub, s.Name, s.ModuleId is { } m ? labels.Module(m) : "");
        }
    }

    private string Help(MetricDefinition metric) => MetricCatalogue.Help(metric, options.Collectors);

    private static (string, string) Ids(StreamKey key) => (Id(key.StreamId), Id(key.SubStreamId));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
