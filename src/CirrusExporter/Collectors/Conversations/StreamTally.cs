using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.Conversations;

/// <summary>
/// One stream's counting state across refreshes: the end of its last complete window, the ids counted per
/// event whose time is still inside the overlap (so a conversation read in several windows counts once),
/// the running totals, and the conversations seen waiting for a first response. Memory is bounded by the
/// events of one interval plus the overlap: older ids are dropped because their events lie before every
/// later window and can no longer be counted; waiting ones are dropped once answered, closed or past the look-back.
/// </summary>
/// <param name="openSeconds">The stream's open time between two instants in seconds: wall time less the hours it was
/// seen closed.</param>
public sealed class StreamTally(
    string module, SloTargetOptions? target, Func<DateTimeOffset, DateTimeOffset, double> openSeconds)
{
    private readonly Dictionary<long, DateTimeOffset> _awaiting = [];
    private readonly Dictionary<long, DateTimeOffset> _created = [];
    private readonly Dictionary<long, DateTimeOffset> _responded = [];
    private readonly Dictionary<long, DateTimeOffset> _closed = [];

    public string Module { get; } = module;

    /// <summary>Settable: a reload changes a stream's target without resetting its counts.</summary>
    public SloTargetOptions? Target { get; set; } = target;

    /// <summary>End of the last window read completely; null before the first.</summary>
    public DateTimeOffset? WindowEnd { get; private set; }

    public long Created { get; private set; }
    public long WithinTarget { get; private set; }
    public HistogramCounts FirstResponse { get; } = new(ConversationsMetrics.Buckets);
    public HistogramCounts Resolution { get; } = new(ConversationsMetrics.Buckets);

    /// <summary>Conversations seen in an open status with neither a first response nor a close.</summary>
    public int Awaiting => _awaiting.Count;

    /// <summary>Open time since the oldest awaiting conversation was created, in seconds (0 when none).</summary>
    public double OldestAwaitingAge(DateTimeOffset now) =>
        _awaiting.Count == 0 ? 0 : openSeconds(_awaiting.Values.Min(), now);

    /// <summary>Ids remembered for deduplication, for tests and memory checks.</summary>
    public int TrackedIds => _created.Count + _responded.Count + _closed.Count;

    /// <summary>
    /// When the last read that reached the present ended, if /stats/streams showed the stream without any conversation
    /// then.
    /// </summary>
    private DateTimeOffset? _emptyAtReadEnd;

    /// <summary>
    /// Records, for a read that reached the present and ended at <paramref name="readEnd"/> (this machine's clock),
    /// whether /stats/streams showed the stream without any conversation.
    /// </summary>
    public void ReadUpTo(bool empty, DateTimeOffset readEnd) => _emptyAtReadEnd = empty ? readEnd : null;

    /// <summary>
    /// Whether a read now cannot carry news: nothing is waiting, the stream had no conversation in any status at its
    /// last read, and a /stats/streams read made since (<paramref name="countsReadAt"/>) still shows none
    /// (<paramref name="empty"/>). Equal non-zero counts would not do: a conversation created and closed in between
    /// while an older one is archived or expires leaves every count as it was.
    /// </summary>
    public bool Unchanged(bool empty, DateTimeOffset countsReadAt) =>
        _awaiting.Count == 0 && empty && _emptyAtReadEnd is { } end && countsReadAt > end;

    /// <summary>
    /// Events at or after this are counted (once); earlier ones were counted in an earlier window, or predate the
    /// watch.
    /// </summary>
    /// <remarks>A window that ended after <paramref name="now"/> (the clock was corrected back since) starts from now,
    /// not in the future.</remarks>
    public DateTimeOffset Horizon(DateTimeOffset now, TimeSpan overlap) =>
        (WindowEnd is { } end && end < now ? end : now) - overlap;

    /// <param name="open">The ObjectStatusType ids that count as open; an item without a status counts as open.</param>
    public void Count(ChangedConversation c, DateTimeOffset horizon, IReadOnlyCollection<int> open)
    {
        // Each read carries the conversation's current state, later windows newer ones.
        if (c.FirstResponse is null && c.Closed is null && (c.StatusId == 0 || open.Contains(c.StatusId)))
        {
            _awaiting[c.ObjectId] = c.Created;
        }
        else
        {
            _awaiting.Remove(c.ObjectId);
        }
        if (First(_created, c.ObjectId, c.Created, horizon)) Created++;
        if (c.FirstResponse is { } answered && First(_responded, c.ObjectId, answered, horizon))
        {
            var seconds = openSeconds(c.Created, answered);
            FirstResponse.Observe(seconds);
            if (Target is { } t && seconds <= t.FirstResponse.TotalSeconds) WithinTarget++;
        }
        if (c.Closed is { } closed && First(_closed, c.ObjectId, closed, horizon))
            Resolution.Observe(Math.Max(0, (closed - c.Created).TotalSeconds));
    }

    /// <summary>
    /// The window up to <paramref name="end"/> was read completely: forget ids the next window cannot count again, and
    /// waiting conversations created before <paramref name="lookBackStart"/>, as the oldest-open age does not see them
    /// either.
    /// </summary>
    public void Complete(DateTimeOffset end, TimeSpan overlap, DateTimeOffset lookBackStart)
    {
        WindowEnd = end;
        foreach (var (id, _) in _awaiting.Where(kv => kv.Value < lookBackStart).ToList()) _awaiting.Remove(id);
        var next = end - overlap;
        foreach (var seen in (Dictionary<long, DateTimeOffset>[])[_created, _responded, _closed])
        {
            foreach (var (id, at) in seen.Where(kv => kv.Value < next).ToList())
                seen.Remove(id);
        }
    }

    private static bool First(Dictionary<long, DateTimeOffset> seen, long id, DateTimeOffset at,
        DateTimeOffset horizon) =>
        at >= horizon && seen.TryAdd(id, at);
}
