using CirrusExporter.Api;
using CirrusExporter.Configuration;

namespace CirrusExporter.Snapshot;

/// <summary>A stream (or sub-stream) known to the exporter, with the labels of cirrus_stream_info.</summary>
public sealed record KnownStream(StreamKey Key, string Name, int? ModuleId);

/// <summary>
/// The streams the exporter watches: configured ones plus, when discovery is on, those the latest fresh
/// /stats/streams reports, up to Cirrus:MaxStreams. Also remembers which label combinations were seen, so a status that empties
/// keeps a 0 series while its stream exists, and forgets them when the stream goes: those the stream
/// source reported (<see cref="KnownSourceCombos"/>) apart from those other collectors reported
/// (<see cref="KnownReportedCombos"/>).
/// </summary>
public sealed record StreamCatalogue(
    IReadOnlyList<KnownStream> Streams,
    IReadOnlySet<long> StreamIds,
    IReadOnlySet<(StreamKey Key, int Module, int Status)> KnownSourceCombos,
    IReadOnlySet<(StreamKey Key, int Module, int Status)> KnownReportedCombos)
{
    /// <summary>Discovered streams left out because Cirrus:MaxStreams was reached.</summary>
    public int DroppedStreams { get; init; }

    /// <summary>Discovery is on but the stream source has no fresh data: the list may be missing streams.</summary>
    public bool SourceStale { get; init; }

    /// <summary>Same streams, names, modules, zero-fill combinations and source state: either can stand for the other.</summary>
    public bool SameAs(StreamCatalogue other) =>
        ReferenceEquals(this, other)
        || (SourceStale == other.SourceStale && DroppedStreams == other.DroppedStreams
            && Streams.SequenceEqual(other.Streams) && StreamIds.SetEquals(other.StreamIds)
            && KnownSourceCombos.SetEquals(other.KnownSourceCombos) && KnownReportedCombos.SetEquals(other.KnownReportedCombos));

    public static readonly StreamCatalogue Empty = new([], new HashSet<long>(), new HashSet<(StreamKey, int, int)>(), new HashSet<(StreamKey, int, int)>());

    /// <param name="stats">The stream source's fresh rows, or null when it has none: then only configured streams are watched.</param>
    /// <param name="reported">Other collectors' fresh rows: modules the source has not given, and their zero-fill combinations.</param>
    public static StreamCatalogue Build(CirrusOptions options, StreamCatalogue previous, IEnumerable<StatRow>? stats, IEnumerable<StatRow>? reported)
    {
        var modules = new Dictionary<StreamKey, int>();
        foreach (var s in previous.Streams)
            if (s.ModuleId is { } m) modules[s.Key] = m;
        var keys = new List<StreamKey>();
        var seenKeys = new HashSet<StreamKey>();
        void Add(StreamKey key)
        {
            if (seenKeys.Add(key)) keys.Add(key);
        }

        var names = new Dictionary<long, string>();
        foreach (var s in options.Streams)
        {
            if (!string.IsNullOrWhiteSpace(s.Name)) names[s.Id] = s.Name;
            if (s.SubStreams.Count == 0) Add(new StreamKey(s.Id, 0));
            foreach (var sub in s.SubStreams) Add(new StreamKey(s.Id, sub));
        }
        var configuredIds = options.Streams.Select(s => s.Id).ToHashSet();

        var discovered = new SortedSet<StreamKey>(Comparer<StreamKey>.Create((a, b) => (a.StreamId, a.SubStreamId).CompareTo((b.StreamId, b.SubStreamId))));
        foreach (var row in stats ?? [])
        {
            var key = new StreamKey(row.StreamId, row.SubStreamId);
            modules[key] = row.ModuleId;
            if (configuredIds.Contains(row.StreamId)) Add(key);
            else if (options.DiscoverStreams) discovered.Add(key);
        }
        // Configured streams are never dropped; discovered ones fill the rest of Cirrus:MaxStreams, lowest ids first
        // (stable from one refresh to the next), so a huge tenant cannot multiply the calls and series.
        var dropped = 0;
        foreach (var key in discovered)
        {
            if (seenKeys.Contains(key)) continue;
            if (keys.Count < options.MaxStreams) Add(key);
            else dropped++;
        }
        foreach (var row in reported ?? [])
            modules.TryAdd(new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId);

        var ids = keys.Select(k => k.StreamId).ToHashSet();
        var statCombos = previous.KnownSourceCombos.Where(c => ids.Contains(c.Key.StreamId)).ToHashSet();
        foreach (var row in stats ?? [])
            if (ids.Contains(row.StreamId)) statCombos.Add((new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId, row.StatusId));
        var slaCombos = previous.KnownReportedCombos.Where(c => ids.Contains(c.Key.StreamId)).ToHashSet();
        foreach (var row in reported ?? [])
            if (ids.Contains(row.StreamId)) slaCombos.Add((new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId, row.StatusId));

        var streams = keys
            .Select(k => new KnownStream(k, names.TryGetValue(k.StreamId, out var n) ? n : k.StreamId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                modules.TryGetValue(k, out var m) ? m : null))
            .ToList();
        return new StreamCatalogue(streams, ids, statCombos, slaCombos)
        {
            DroppedStreams = dropped,
            SourceStale = options.DiscoverStreams && stats is null,
        };
    }
}
