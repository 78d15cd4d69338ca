namespace CirrusExporter.Collectors.Conversations;

/// <summary>
/// One stream's counting state across refreshes: the end of its last complete window, the ids counted per
/// event whose time is still inside the overlap (so a conversation read in several windows counts once),
/// and the running totals. Memory is bounded by the events of one interval plus the overlap: older ids
/// are dropped because their events lie before every later window and can no longer be counted.
/// </summary>
public sealed class StreamTally(string module, SloTargetOptions? target)
{
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

    /// <summary>Ids remembered for deduplication, for tests and memory checks.</summary>
    public int TrackedIds => _created.Count + _responded.Count + _closed.Count;

    /// <summary>Events at or after this are counted (once); earlier ones were counted in an earlier window, or predate the watch.</summary>
    public DateTimeOffset Horizon(DateTimeOffset now, TimeSpan overlap) => (WindowEnd ?? now) - overlap;

    public void Count(ChangedConversation c, DateTimeOffset horizon)
    {
        if (First(_created, c.ObjectId, c.Created, horizon)) Created++;
        if (c.FirstResponse is { } answered && First(_responded, c.ObjectId, answered, horizon))
        {
            var seconds = Math.Max(0, (answered - c.Created).TotalSeconds);
            FirstResponse.Observe(seconds);
            if (Target is { } t && seconds <= t.FirstResponse.TotalSeconds) WithinTarget++;
        }
        if (c.Closed is { } closed && First(_closed, c.ObjectId, closed, horizon))
            Resolution.Observe(Math.Max(0, (closed - c.Created).TotalSeconds));
    }

    /// <summary>The window up to <paramref name="end"/> was read completely: forget ids the next window cannot count again.</summary>
    public void Complete(DateTimeOffset end, TimeSpan overlap)
    {
        WindowEnd = end;
        var next = end - overlap;
        foreach (var seen in (Dictionary<long, DateTimeOffset>[])[_created, _responded, _closed])
            foreach (var (id, at) in seen.Where(kv => kv.Value < next).ToList())
                seen.Remove(id);
    }

    private static bool First(Dictionary<long, DateTimeOffset> seen, long id, DateTimeOffset at, DateTimeOffset horizon) =>
        at >= horizon && seen.TryAdd(id, at);
}

/// <summary>Cumulative histogram state: per-bucket counts (not cumulative), sum and count.</summary>
public sealed class HistogramCounts(double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];

    public double Sum { get; private set; }

    public long Count { get; private set; }

    public void Observe(double value)
    {
        var i = Array.FindIndex(bounds, b => value <= b);
        _counts[i < 0 ? bounds.Length : i]++;
        Sum += value;
        Count++;
    }

    /// <summary>Cumulative counts per bound, for the exposition, copied so the snapshot stays immutable.</summary>
    public HistogramSnapshot Snapshot()
    {
        var cumulative = new long[bounds.Length];
        long running = 0;
        for (var i = 0; i < bounds.Length; i++) cumulative[i] = running += _counts[i];
        return new HistogramSnapshot(cumulative, Sum, Count);
    }
}

/// <summary>A histogram as published: cumulative bucket counts in bound order, sum and count (the +Inf bucket).</summary>
public sealed record HistogramSnapshot(IReadOnlyList<long> Cumulative, double Sum, long Count);
