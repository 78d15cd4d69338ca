using CirrusExporter.Api;
using CirrusExporter.Configuration;

namespace CirrusExporter.Snapshot;

/// <summary>A stream (or sub-stream) known to the exporter, with the labels of cirrus_stream_info.</summary>
public sealed record KnownStream(StreamKey Key, string Name, int? ModuleId);

/// <summary>
/// The streams the exporter watches: configured ones plus, when discovery is on, those the latest fresh
/// /stats/streams reports, up to Cirrus:MaxStreams (stream, sub-stream) keys. Also remembers which label combinations
/// were seen, so a status that empties keeps a 0 series while its stream exists, and forgets them when the stream goes:
/// those the stream source reported (<see cref="KnownSourceCombos"/>) apart from those other collectors reported
/// (<see cref="KnownReportedCombos"/>).
/// </summary>
public sealed record StreamCatalogue(
    IReadOnlyList<KnownStream> Streams,
    IReadOnlySet<long> StreamIds,
    IReadOnlySet<(StreamKey Key, int Module, int Status)> KnownSourceCombos,
    IReadOnlySet<(StreamKey Key, int Module, int Status)> KnownReportedCombos)
{
    /// <summary>Streams and sub-streams left out because Cirrus:MaxStreams was reached.</summary>
    public int DroppedStreams => DroppedKeys.Count;

    /// <summary>
    /// The keys left out because Cirrus:MaxStreams was reached: no collector calls for or renders them.
    /// </summary>
    public IReadOnlySet<StreamKey> DroppedKeys { get; init; } = new HashSet<StreamKey>();

    /// <summary>Discovery is on but the stream source has no fresh data: the list may be missing streams.</summary>
    public bool SourceStale { get; init; }

    /// <summary>
    /// Same streams, names, modules, zero-fill combinations and source state: either can stand for the other. Streams
    /// in another order are the same: sub-streams of configured streams come in the order the source lists them.
    /// </summary>
    public bool SameAs(StreamCatalogue other) =>
        ReferenceEquals(this, other)
        || (SourceStale == other.SourceStale && DroppedKeys.SetEquals(other.DroppedKeys)
            && Streams.Count == other.Streams.Count && Streams.ToHashSet().SetEquals(other.Streams)
            && StreamIds.SetEquals(other.StreamIds)
            && KnownSourceCombos.SetEquals(other.KnownSourceCombos)
            && KnownReportedCombos.SetEquals(other.KnownReportedCombos));

    /// <summary>
    /// Whether series of <paramref name="key"/> are published: its stream is watched and the key was not dropped.
    /// </summary>
    public bool Watches(StreamKey key) => StreamIds.Contains(key.StreamId) && !DroppedKeys.Contains(key);

    public static readonly StreamCatalogue Empty =
        new([], new HashSet<long>(), new HashSet<(StreamKey, int, int)>(), new HashSet<(StreamKey, int, int)>());

    /// <param name="stats">The stream source's fresh rows, or null when it has none: then only configured streams are
    /// watched.</param>
    /// <param name="reported">Other collectors' fresh rows: modules the source has not given, and their zero-fill
    /// combinations.</param>
    /// <returns><paramref name="previous"/> itself when the rows give the same catalogue: parts rendered against it
    /// stay valid.</returns>
    public static StreamCatalogue Build(
        CirrusOptions options, StreamCatalogue previous, IEnumerable<StatRow>? stats, IEnumerable<StatRow>? reported)
    {
        var built = BuildNew(options, previous, stats, reported);
        return built.SameAs(previous) ? previous : built;
    }

    private static StreamCatalogue BuildNew(
        CirrusOptions options, StreamCatalogue previous, IEnumerable<StatRow>? stats, IEnumerable<StatRow>? reported)
    {
        var modules = new Dictionary<StreamKey, int>();
        foreach (var s in previous.Streams)
            if (s.ModuleId is { } m) modules[s.Key] = m;
        // Cirrus:MaxStreams bounds the keys in the order they come: configured ones as listed, those reported for
        // configured streams, then discovered ones, lowest ids first (stable from one refresh to the next), so neither
        // a huge tenant nor a huge list of sub-streams can multiply the calls and series.
        var keys = new List<StreamKey>();
        var seenKeys = new HashSet<StreamKey>();
        var dropped = new HashSet<StreamKey>();
        void Add(StreamKey key)
        {
            if (!seenKeys.Add(key)) return;
            if (keys.Count < options.MaxStreams) keys.Add(key);
            else dropped.Add(key);
        }

        var names = new Dictionary<long, string>();
        foreach (var s in options.Streams)
        {
            if (!string.IsNullOrWhiteSpace(s.Name)) names[s.Id] = s.Name;
            foreach (var key in KeysOf(s)) Add(key);
        }
        var configuredIds = options.Streams.Select(s => s.Id).ToHashSet();

        var discovered = new SortedSet<StreamKey>(Comparer<StreamKey>.Create(
            (a, b) => (a.StreamId, a.SubStreamId).CompareTo((b.StreamId, b.SubStreamId))));
        foreach (var row in stats ?? [])
        {
            var key = new StreamKey(row.StreamId, row.SubStreamId);
            modules[key] = row.ModuleId;
            if (configuredIds.Contains(row.StreamId)) Add(key);
            else if (options.DiscoverStreams) discovered.Add(key);
        }
        foreach (var key in discovered) Add(key);
        foreach (var row in reported ?? [])
            modules.TryAdd(new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId);

        var ids = keys.Select(k => k.StreamId).ToHashSet();
        // A combination is kept while its stream is watched and in the same module: a stream moved to another module
        // loses the zero series of the old one, which would otherwise stay beside the new module's for good.
        bool Current((StreamKey Key, int Module, int Status) c) =>
            ids.Contains(c.Key.StreamId)
            && !(seenKeys.Contains(c.Key) && !dropped.Contains(c.Key) && modules.TryGetValue(c.Key, out var m)
                && m != c.Module);
        var statCombos = previous.KnownSourceCombos.Where(Current).ToHashSet();
        foreach (var row in stats ?? [])
        {
            if (ids.Contains(row.StreamId))
                statCombos.Add((new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId, row.StatusId));
        }
        var slaCombos = previous.KnownReportedCombos.Where(Current).ToHashSet();
        foreach (var row in reported ?? [])
        {
            if (ids.Contains(row.StreamId))
                slaCombos.Add((new StreamKey(row.StreamId, row.SubStreamId), row.ModuleId, row.StatusId));
        }

        var streams = keys
            .Select(k => new KnownStream(k,
                names.TryGetValue(k.StreamId, out var n)
                    ? n
                    : k.StreamId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                modules.TryGetValue(k, out var m) ? m : null))
            .ToList();
        return new StreamCatalogue(streams, ids, statCombos, slaCombos)
        {
            DroppedKeys = dropped,
            SourceStale = options.DiscoverStreams && stats is null,
        };
    }

    /// <summary>
    /// The keys a configured stream is watched by: its sub-streams, or the stream itself when it lists none.
    /// </summary>
    private static IEnumerable<StreamKey> KeysOf(StreamOptions stream) =>
        stream.SubStreams.Count == 0
            ? [new StreamKey(stream.Id, 0)]
            : stream.SubStreams.Select(sub => new StreamKey(stream.Id, sub));
}
