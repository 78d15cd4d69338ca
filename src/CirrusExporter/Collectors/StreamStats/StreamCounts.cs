using CirrusExporter.Api;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.StreamStats;

/// <summary>
/// What the latest successful <c>/stats/streams</c> read says about each stream: its rows (conversations by sub-stream,
/// module and status), so the per-stream collectors can skip a call whose answer the counts already give. A stream
/// the read does not list has no conversations.
/// </summary>
public sealed class StreamCounts
{
    private static readonly IReadOnlyList<StatRow> None = [];
    private readonly Dictionary<long, StatRow[]> _byStream;

    private StreamCounts(IEnumerable<StatRow> rows, DateTimeOffset readAt)
    {
        _byStream = rows.GroupBy(r => r.StreamId)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => (r.SubStreamId, r.ModuleId, r.StatusId)).ToArray());
        ReadAt = readAt;
    }

    /// <summary>When the read started, on this machine's clock.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>
    /// The counts of the stream source's last refresh if it succeeded no longer than two of its intervals before
    /// <paramref name="now"/> (a refresh that starts with the source's sees the one before); else null (nothing may be
    /// skipped).
    /// </summary>
    public static StreamCounts? Of(MetricsSnapshot snapshot, DateTimeOffset now) =>
        snapshot.Collectors.GetValueOrDefault(StreamStatsCollector.Label) is { LastSucceeded: true } source
            && Latest(snapshot) is { } counts && now - counts.ReadAt <= 2 * source.Interval
            ? counts
            : null;

    /// <summary>
    /// The counts of the stream source's latest data, however old (null before any): enough to plan on, since the share
    /// of streams with something open changes slowly, but not to skip a call on.
    /// </summary>
    public static StreamCounts? Latest(MetricsSnapshot snapshot) =>
        snapshot.Collectors.GetValueOrDefault(StreamStatsCollector.Label)
                is { Data: StreamStatsData data, DataTime: { } at }
            ? new StreamCounts(data.Rows, at)
            : null;

    /// <summary>The stream's rows in a fixed order (none when the read does not list it).</summary>
    public IReadOnlyList<StatRow> Rows(long streamId) => _byStream.TryGetValue(streamId, out var rows) ? rows : None;

    /// <summary>
    /// Whether refresh number <paramref name="refresh"/> calls the stream whatever the counts say: every stream once in
    /// <paramref name="sweepEvery"/> refreshes, a share of them at each, so that no refresh costs a whole sweep.
    /// </summary>
    public static bool Swept(long streamId, long refresh, int sweepEvery) =>
        Math.Abs(streamId % sweepEvery) == refresh % sweepEvery;

    /// <summary>Conversations of the stream, all sub-streams, in the <paramref name="open"/> statuses.</summary>
    public long Open(long streamId, IReadOnlyCollection<int> open) =>
        Rows(streamId).Where(r => open.Contains(r.StatusId)).Sum(r => r.Count);
}
