using System.Globalization;
using CirrusSimulator.Admin;
using CirrusSimulator.Api;

namespace CirrusSimulator.Simulation;

/// <summary>
/// Sort keys of the objects endpoint; conversations have no priority, so prioritytime sorts like createdtime.
/// </summary>
internal enum ObjectOrder
{
    CreatedTime,
    ClosedTime,
    UpdatedTime,
}

internal sealed record ObjectsQuery(
    long StreamId,
    long SubStreamId,
    long StartUnix,
    long EndUnix,
    IReadOnlySet<int>? Statuses,
    ObjectOrder Order,
    bool Descending,
    int PageNumber,
    int PageSize);

internal enum InjectResult
{
    Injected,
    UnknownStream,
    InactiveStream,
}

/// <summary>
/// The thread-safe face of the simulation: every read first advances it lazily to the current whole simulated
/// second, then answers from the same state. Serialised stats are cached until the state or the second changes.
/// </summary>
internal sealed class Tenant
{
    private readonly Lock _gate = new();
    private readonly TenantSimulation _simulation;
    private readonly SimulatedClock _clock;
    private (long Version, byte[] Data)? _stats;
    private (long Now, long Version, byte[] Data)? _sla;

    public Tenant(SimulatorOptions options, SimulatedClock clock)
    {
        _clock = clock;
        var streams = options.LargeTenantStreams > 0
            ? LargeTenant.Streams(options.LargeTenantStreams, options.LargeTenantTraffic) : options.Streams;
        _simulation = new TenantSimulation(options, streams, clock.WholeSecondTicks);
    }

    /// <summary>Simulated now, for response_time.</summary>
    public DateTimeOffset Now => _clock.Now;

    public byte[] StreamStats()
    {
        lock (_gate)
        {
            var sim = Advance();
            if (_stats is not { } cached || cached.Version != sim.StateVersion)
            {
                var rows = sim.Queues.SelectMany(q => Enumerable.Range(1, StatusIds.Max)
                    .Where(status => q.StatusCounts[status] > 0)
                    .Select(status => Row(q, status, q.StatusCounts[status])));
                cached = (sim.StateVersion, CirrusJson.Rows(rows));
                _stats = cached;
            }
            return cached.Data;
        }
    }

    public byte[] SlaExceptions()
    {
        lock (_gate)
        {
            var sim = Advance();
            if (_sla is not { } cached || cached.Now != sim.Now || cached.Version != sim.StateVersion)
            {
                var breached = new List<StatRow>();
                var critical = new List<StatRow>();
                foreach (var queue in sim.Queues)
                {
                    var levels = queue.Waiting.Select(sim.SlaLevelOf).ToList();
                    var breachCount = levels.Count(l => l == SlaLevel.Breached);
                    var criticalCount = levels.Count(l => l == SlaLevel.Critical);
                    if (breachCount > 0)
                    {
                        breached.Add(Row(queue, StatusIds.Open, breachCount));
                    }
                    if (criticalCount > 0)
                    {
                        critical.Add(Row(queue, StatusIds.Open, criticalCount));
                    }
                }
                cached = (sim.Now, sim.StateVersion, CirrusJson.SlaLists(breached, critical));
                _sla = cached;
            }
            return cached.Data;
        }
    }

    /// <summary>The availability state, or null when the stream (or its sub-stream) does not exist.</summary>
    public int? Availability(long streamId, long? subStreamId, bool ignoreAutomation, bool autoAssign)
    {
        lock (_gate)
        {
            var sim = Advance();
            if (sim.FindStream(streamId) is not { } stream)
            {
                return null;
            }
            QueueModel? queue = null;
            // Sub-stream 0 means the whole stream.
            if (subStreamId is { } sub && sub != 0)
            {
                queue = stream.Queues.FirstOrDefault(q => q.SubStreamId == sub);
                if (queue is null)
                {
                    return null;
                }
            }
            return sim.AvailabilityState(stream, queue, ignoreAutomation, autoAssign);
        }
    }

    /// <summary>One page of a stream's objects as JSON, or null when the stream does not exist.</summary>
    public byte[]? Objects(ObjectsQuery query)
    {
        lock (_gate)
        {
            var sim = Advance();
            if (sim.FindStream(query.StreamId) is not { } stream)
            {
                return null;
            }
            var startTicks = DateTimeOffset.FromUnixTimeSeconds(query.StartUnix).UtcTicks;
            var endTicks = DateTimeOffset.FromUnixTimeSeconds(query.EndUnix).UtcTicks + TimeSpan.TicksPerSecond;
            // The time range applies to the field the results are ordered by, so order=updatedtime selects what
            // changed.
            Func<Conversation, long> key = query.Order switch
            {
                ObjectOrder.ClosedTime => c => c.Closed ?? long.MinValue,
                ObjectOrder.UpdatedTime => c => c.Updated,
                _ => c => c.Created,
            };
            var matches = stream.Queues
                .Where(q => query.SubStreamId == 0 || q.SubStreamId == query.SubStreamId)
                .SelectMany(q => q.Conversations.Values)
                .Where(c => key(c) >= startTicks && key(c) < endTicks)
                .Where(c => query.Statuses is null || query.Statuses.Contains(c.Status));
            var ordered = query.Descending
                ? matches.OrderByDescending(key).ThenByDescending(c => c.Id)
                : matches.OrderBy(key).ThenBy(c => c.Id);
            var skip = (long)query.PageNumber * query.PageSize;
            return CirrusJson.Objects(skip > int.MaxValue ? [] : ordered.Skip((int)skip).Take(query.PageSize));
        }
    }

    /// <summary>
    /// The simulation's own count, per stream, of the stored conversations created, first answered and closed at or
    /// after <paramref name="since"/>: the truth the exporter's conversation counters are checked against. Closed
    /// conversations are kept for the retention period, so the count is complete for periods within it.
    /// </summary>
    public List<ConversationTruth> ConversationTruth(DateTimeOffset since)
    {
        lock (_gate)
        {
            var sim = Advance();
            var from = since.UtcTicks;
            return sim.Streams.Select(s =>
            {
                var all = s.Queues.SelectMany(q => q.Conversations.Values).ToList();
                return new ConversationTruth(s.Id,
                    all.Count(c => c.Created >= from),
                    all.Count(c => c.FirstResponse >= from),
                    all.Count(c => c.Closed >= from));
            }).ToList();
        }
    }

    public InjectResult InjectBreach(long streamId, long? subStreamId, int count, TimeSpan hold)
    {
        lock (_gate)
        {
            var sim = Advance();
            if (sim.FindStream(streamId) is not { } stream)
            {
                return InjectResult.UnknownStream;
            }
            if (!stream.Active)
            {
                return InjectResult.InactiveStream;
            }
            var queue = subStreamId is { } sub
                ? stream.Queues.FirstOrDefault(q => q.SubStreamId == sub) : stream.Queues[0];
            if (queue is null)
            {
                return InjectResult.UnknownStream;
            }
            sim.InjectBreach(queue, count, hold);
            return InjectResult.Injected;
        }
    }

    /// <summary>A readable summary of the tenant for the admin API, materialised while the state is locked.</summary>
    public TenantSummary Describe()
    {
        lock (_gate)
        {
            var sim = Advance();
            var streams = sim.Streams.Select(s => new StreamSummary(
                s.Id, s.Options.Name, s.ModuleId, s.Active, s.Active && s.Calendar.IsOpen(sim.Now),
                sim.AvailabilityState(s, null, ignoreAutomation: true, autoAssign: false),
                s.Queues.Select(q => new QueueSummary(
                    q.SubStreamId,
                    q.Agents.Count,
                    q.Agents.Sum(a => a.Load),
                    q.Agents.Sum(a => a.Capacity),
                    q.Waiting.Count,
                    q.Waiting.Count(c => sim.SlaLevelOf(c) == SlaLevel.Warning),
                    q.Waiting.Count(c => sim.SlaLevelOf(c) == SlaLevel.Critical),
                    q.Waiting.Count(c => sim.SlaLevelOf(c) == SlaLevel.Breached),
                    Enumerable.Range(1, StatusIds.Max)
                        .Where(status => q.StatusCounts[status] > 0)
                        .ToDictionary(status => status.ToString(CultureInfo.InvariantCulture),
                            status => q.StatusCounts[status]))).ToList())).ToList();
            return new TenantSummary(new DateTimeOffset(sim.Now, TimeSpan.Zero), sim.ConversationCount,
                sim.ConversationsCreated, streams);
        }
    }

    private TenantSimulation Advance()
    {
        _simulation.AdvanceTo(_clock.WholeSecondTicks);
        return _simulation;
    }

    private static StatRow Row(QueueModel queue, int status, int count) =>
        new(queue.Stream.ModuleId, queue.Stream.Id, queue.SubStreamId, status, count);
}
