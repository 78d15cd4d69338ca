namespace CirrusSimulator.Simulation;

/// <summary>
/// Discrete-event simulation of a contact-centre tenant. Events are processed in (time, sequence) order from one
/// seeded random source, so the state at a given simulated time depends only on the seed and the options, not on
/// how often the simulation was advanced. Not thread-safe: <see cref="Tenant"/> serialises access.
/// </summary>
/// <remarks>
/// Inbound life cycle: [Automated (bot) -&gt;] Open (waiting, on the SLA clock) -&gt; In Process (agent slot) -&gt;
/// Resolved | Pending (customer) | Follow Up | Forward (third party) -&gt; Forward Reply -&gt; back to the queue or
/// Resolved -&gt; Archive.
/// Outbound: [Draft | Scheduled -&gt;] Sent -&gt; sometimes a reply reopens it. Closed conversations are pruned after
/// the retention window.
/// </remarks>
internal sealed class TenantSimulation
{
    private const double BotMeanSeconds = 90;
    private const double BotResolveChance = 0.3;
    private const double PendingReplyChance = 0.5;
    private const double SentReplyChance = 0.25;
    private const double SentReplyMeanSeconds = 1800;
    private const double ScheduledChance = 0.3;
    private const double ScheduledMeanSeconds = 2700;
    private const double DraftMeanSeconds = 1200;
    private const double DeleteChance = 0.5;
    private const double DeleteMeanSeconds = 1800;
    private const long FirstObjectId = 7_000_001;

    private readonly SimulatorOptions _options;
    private readonly Random _random;
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _events = new();
    private readonly Dictionary<long, StreamModel> _streamsById = [];
    private readonly List<StreamModel> _streams = [];
    private readonly List<QueueModel> _queues = [];
    private long _sequence;
    private long _nextObjectId = FirstObjectId;

    public TenantSimulation(SimulatorOptions options, IReadOnlyList<StreamOptions> streams, long startTicks)
    {
        _options = options;
        _random = new Random(options.Seed);
        var zone = BusinessCalendar.FindZone(options.TimeZone);
        var tenantClosedDays = options.SpecialDays.Select(BusinessCalendar.ParseDay).ToList();
        foreach (var streamOptions in streams)
        {
            var calendar = new BusinessCalendar(
                zone,
                WeeklySchedule.Parse(streamOptions.BusinessHours),
                tenantClosedDays.Concat(streamOptions.SpecialDays.Select(BusinessCalendar.ParseDay)));
            var stream = new StreamModel(streamOptions, calendar, ModuleProfile.For(streamOptions.ModuleId));
            IEnumerable<long> subIds = streamOptions.SubStreams.Count > 0 ? streamOptions.SubStreams : [0L];
            foreach (var subId in subIds)
            {
                var queue = new QueueModel(stream, subId);
                stream.Queues.Add(queue);
                _queues.Add(queue);
            }
            var autoAssignAgents = streamOptions.AutoAssignAgents ?? streamOptions.Agents;
            for (var i = 0; i < streamOptions.Agents; i++)
            {
                stream.Queues[i % stream.Queues.Count].Agents.Add(
                    new Agent(streamOptions.AgentCapacity, i < autoAssignAgents));
            }
            _streams.Add(stream);
            _streamsById.Add(stream.Id, stream);
        }

        Now = startTicks - options.WarmUp.Ticks;
        foreach (var queue in _queues.Where(q => q.Stream.Active))
        {
            ScheduleArrival(queue);
            ScheduleOutbound(queue);
            ScheduleOpening(queue);
        }
        AdvanceTo(startTicks);
    }

    private enum EventKind
    {
        Arrival,
        Outbound,
        /// <summary>The timed exit from the conversation's current status.</summary>
        StatusTimer,
        Abandon,
        Purge,
        /// <summary>Business hours begin: agents come online.</summary>
        Opening,
        /// <summary>Held conversations become routable.</summary>
        Wake,
    }

    private readonly record struct SimEvent(EventKind Kind, QueueModel Queue, Conversation? Conversation, int Version);

    /// <summary>Simulated time (UTC ticks) up to which events have been processed.</summary>
    public long Now { get; private set; }

    /// <summary>Changes whenever any conversation changes; caches key on it.</summary>
    public long StateVersion { get; private set; }

    public IReadOnlyList<StreamModel> Streams => _streams;
    public IReadOnlyList<QueueModel> Queues => _queues;
    public int ConversationCount { get; private set; }
    public long ConversationsCreated => _nextObjectId - FirstObjectId;

    public StreamModel? FindStream(long id) => _streamsById.GetValueOrDefault(id);

    /// <summary>Processes every event up to <paramref name="ticks"/> (never backwards).</summary>
    public void AdvanceTo(long ticks)
    {
        while (_events.TryPeek(out var next, out var when) && when.Time <= ticks)
        {
            _events.Dequeue();
            Now = Math.Max(Now, when.Time);
            Handle(next);
        }
        Now = Math.Max(Now, ticks);
    }

    /// <summary>Adds <paramref name="count"/> waiting conversations already past their SLA; agents leave them alone
    /// for <paramref name="hold"/> so the breach stays visible.</summary>
    public void InjectBreach(QueueModel queue, int count, TimeSpan hold)
    {
        var sla = TimeSpan.FromSeconds(queue.Stream.Options.SlaSeconds).Ticks;
        var created = Now - Math.Max(sla + sla / 4, TimeSpan.TicksPerSecond);
        for (var i = 0; i < count; i++)
        {
            var conversation = CreateConversation(queue, created);
            SetStatus(conversation, StatusIds.Open);
            conversation.Updated = created;
            conversation.QueuedAt = created;
            conversation.SlaStart = created;
            conversation.RoutableAt = Now + hold.Ticks;
            queue.Waiting.Add(conversation);
        }
        Schedule(Now + hold.Ticks, new SimEvent(EventKind.Wake, queue, null, 0));
    }

    /// <summary>Where a waiting conversation stands against its SLA right now.</summary>
    public SlaLevel SlaLevelOf(Conversation conversation)
    {
        var slaSeconds = conversation.Queue.Stream.Options.SlaSeconds;
        if (!conversation.OnSlaClock || slaSeconds <= 0 || Now < conversation.SlaStart)
        {
            return SlaLevel.None;
        }
        var used = (Now - conversation.SlaStart) / (double)TimeSpan.FromSeconds(slaSeconds).Ticks;
        return used >= 1 ? SlaLevel.Breached
            : used >= _options.SlaCriticalFraction ? SlaLevel.Critical
            : used >= _options.SlaWarningFraction ? SlaLevel.Warning
            : SlaLevel.None;
    }

    /// <summary>Availability state 0..3 as the streamavailability endpoint reports it.</summary>
    public int AvailabilityState(StreamModel stream, QueueModel? queue, bool ignoreAutomation, bool autoAssign)
    {
        if (!stream.Active)
        {
            return 0;
        }
        // Bots are always there, so with automation counted the stream never shows busy or closed.
        if (!ignoreAutomation && stream.Options.BotEnabled)
        {
            return 1;
        }
        if (!stream.Calendar.IsOpen(Now))
        {
            return 3;
        }
        IEnumerable<QueueModel> queues = queue is null ? stream.Queues : [queue];
        return queues.Any(q => CanTakeMore(q, autoAssign)) ? 1 : 2;
    }

    private bool CanTakeMore(QueueModel queue, bool autoAssignOnly) =>
        queue.Agents.Any(a => a.HasFreeSlot && (!autoAssignOnly || a.AutoAssign))
        && !queue.Waiting.Any(c => c.RoutableAt <= Now);

    private void Handle(SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Arrival:
                if (HasRoom(e.Queue.Stream))
                {
                    NewInbound(e.Queue);
                }
                ScheduleArrival(e.Queue);
                break;
            case EventKind.Outbound:
                // Agents send outbound messages while they are at work.
                if (HasRoom(e.Queue.Stream) && e.Queue.Stream.Calendar.IsOpen(Now))
                {
                    NewOutbound(e.Queue);
                }
                ScheduleOutbound(e.Queue);
                break;
            case EventKind.StatusTimer when e.Conversation!.Version == e.Version:
                OnStatusTimer(e.Conversation);
                break;
            case EventKind.Abandon when e.Conversation!.Version == e.Version:
                e.Queue.Waiting.Remove(e.Conversation);
                Close(e.Conversation, StatusIds.Resolved);
                break;
            case EventKind.Purge when e.Conversation!.Version == e.Version:
                Remove(e.Conversation);
                break;
            case EventKind.Opening:
                TryAssign(e.Queue);
                ScheduleOpening(e.Queue);
                break;
            case EventKind.Wake:
                TryAssign(e.Queue);
                break;
        }
    }

    private bool HasRoom(StreamModel stream) => stream.OpenCount < _options.MaxOpenPerStream;

    private void NewInbound(QueueModel queue)
    {
        var conversation = CreateConversation(queue, Now);
        if (queue.Stream.Options.BotEnabled)
        {
            SetStatus(conversation, StatusIds.Automated);
            ScheduleTimer(conversation, BotMeanSeconds);
        }
        else
        {
            Enqueue(conversation, StatusIds.Open, slaClock: true);
        }
    }

    private void NewOutbound(QueueModel queue)
    {
        var conversation = CreateConversation(queue, Now);
        conversation.FirstResponse = Now;
        if (queue.Stream.Profile.Outbound == OutboundKind.Draft)
        {
            SetStatus(conversation, StatusIds.Draft);
            ScheduleTimer(conversation, DraftMeanSeconds);
        }
        else if (Chance(ScheduledChance))
        {
            SetStatus(conversation, StatusIds.Scheduled);
            ScheduleTimer(conversation, ScheduledMeanSeconds);
        }
        else
        {
            EnterSent(conversation);
        }
    }

    private void OnStatusTimer(Conversation conversation)
    {
        var profile = conversation.Queue.Stream.Profile;
        switch (conversation.Status)
        {
            case StatusIds.Automated:
                if (Chance(BotResolveChance))
                {
                    Close(conversation, StatusIds.Resolved);
                }
                else
                {
                    Enqueue(conversation, StatusIds.Open, slaClock: true);
                }
                break;
            case StatusIds.InProcess:
                conversation.Agent!.Load--;
                conversation.Agent = null;
                var roll = _random.NextDouble();
                if (roll < profile.ForwardChance)
                {
                    SetStatus(conversation, StatusIds.Forward);
                    ScheduleTimer(conversation, profile.ForwardMean);
                }
                else if (roll < profile.ForwardChance + profile.PendingChance)
                {
                    SetStatus(conversation, StatusIds.Pending);
                    ScheduleTimer(conversation, profile.PendingMean);
                }
                else if (roll < profile.ForwardChance + profile.PendingChance + profile.FollowUpChance)
                {
                    SetStatus(conversation, StatusIds.FollowUp);
                    ScheduleTimer(conversation, profile.FollowUpMean);
                }
                else
                {
                    Close(conversation, StatusIds.Resolved);
                }
                TryAssign(conversation.Queue);
                break;
            case StatusIds.Pending:
                if (Chance(PendingReplyChance))
                {
                    Enqueue(conversation, StatusIds.Open, slaClock: false);
                }
                else
                {
                    Close(conversation, StatusIds.Resolved);
                }
                break;
            case StatusIds.FollowUp:
            case StatusIds.Sent: // the customer answered an outbound message
                Enqueue(conversation, StatusIds.Open, slaClock: false);
                break;
            case StatusIds.Forward:
                // The third party answered; the reply waits for the agent to read it.
                SetStatus(conversation, StatusIds.ForwardReply);
                ScheduleTimer(conversation, profile.ForwardMean / 2);
                break;
            case StatusIds.ForwardReply:
                Enqueue(conversation, StatusIds.Open, slaClock: false);
                break;
            case StatusIds.Draft:
            case StatusIds.Scheduled:
                EnterSent(conversation);
                break;
            case StatusIds.Resolved:
                SetStatus(conversation, StatusIds.Archive);
                SchedulePurge(conversation);
                break;
            case StatusIds.Irrelevant:
                SetStatus(conversation, StatusIds.Deleted);
                SchedulePurge(conversation);
                break;
        }
    }

    private void Enqueue(Conversation conversation, int status, bool slaClock)
    {
        var queue = conversation.Queue;
        SetStatus(conversation, status);
        conversation.QueuedAt = Now;
        conversation.RoutableAt = Now;
        if (slaClock && conversation.FirstResponse is null)
        {
            conversation.SlaStart = queue.Stream.Calendar.SlaClockStart(Now);
            var abandonAfter = queue.Stream.Options.AbandonAfterSeconds;
            if (abandonAfter > 0)
            {
                Schedule(Now + Seconds(abandonAfter),
                    new SimEvent(EventKind.Abandon, queue, conversation, conversation.Version));
            }
        }
        queue.Waiting.Add(conversation);
        TryAssign(queue);
    }

    /// <summary>
    /// Hands waiting conversations, oldest first, to the least loaded agent while agents are at work.
    /// </summary>
    private void TryAssign(QueueModel queue)
    {
        var stream = queue.Stream;
        if (!stream.Active || queue.Waiting.Count == 0 || !stream.Calendar.IsOpen(Now))
        {
            return;
        }
        while (true)
        {
            var agent = queue.Agents.Where(a => a.HasFreeSlot).MinBy(a => a.Load);
            var next = queue.Waiting.FirstOrDefault(c => c.RoutableAt <= Now);
            if (agent is null || next is null)
            {
                return;
            }
            queue.Waiting.Remove(next);
            if (next.FirstResponse is null && Chance(stream.Profile.IrrelevantChance))
            {
                Close(next, StatusIds.Irrelevant);
                continue;
            }
            agent.Load++;
            next.Agent = agent;
            next.FirstResponse ??= Now;
            SetStatus(next, StatusIds.InProcess);
            ScheduleTimer(next, stream.Options.HandleTimeSeconds);
        }
    }

    private void Close(Conversation conversation, int status)
    {
        SetStatus(conversation, status);
        conversation.Closed = Now;
        if (status == StatusIds.Resolved)
        {
            conversation.NumTags = _random.Next(0, 4);
            Schedule(Now + _options.ArchiveAfter.Ticks,
                new SimEvent(EventKind.StatusTimer, conversation.Queue, conversation, conversation.Version));
        }
        else if (status == StatusIds.Irrelevant && Chance(DeleteChance))
        {
            ScheduleTimer(conversation, DeleteMeanSeconds);
        }
        SchedulePurge(conversation);
    }

    private void EnterSent(Conversation conversation)
    {
        SetStatus(conversation, StatusIds.Sent);
        if (Chance(SentReplyChance))
        {
            ScheduleTimer(conversation, SentReplyMeanSeconds);
        }
        SchedulePurge(conversation);
    }

    private Conversation CreateConversation(QueueModel queue, long created)
    {
        var conversation = new Conversation(_nextObjectId++, queue, queue.Stream.Profile.ObjectType, created);
        queue.Conversations.Add(conversation.Id, conversation);
        ConversationCount++;
        return conversation;
    }

    private void SetStatus(Conversation conversation, int status)
    {
        var queue = conversation.Queue;
        var wasOpen = conversation.Status != 0 && !StatusIds.IsClosed(conversation.Status);
        if (conversation.Status != 0)
        {
            queue.StatusCounts[conversation.Status]--;
        }
        queue.Stream.OpenCount += (StatusIds.IsClosed(status) ? 0 : 1) - (wasOpen ? 1 : 0);
        queue.StatusCounts[status]++;
        conversation.Status = status;
        conversation.Updated = Now;
        conversation.Version++;
        StateVersion++;
    }

    private void Remove(Conversation conversation)
    {
        var queue = conversation.Queue;
        queue.Conversations.Remove(conversation.Id);
        queue.StatusCounts[conversation.Status]--;
        if (!StatusIds.IsClosed(conversation.Status))
        {
            queue.Stream.OpenCount--;
        }
        conversation.Version++;
        ConversationCount--;
        StateVersion++;
    }

    private void SchedulePurge(Conversation conversation) =>
        Schedule((conversation.Closed ?? conversation.Updated) + _options.Retention.Ticks,
            new SimEvent(EventKind.Purge, conversation.Queue, conversation, conversation.Version));

    private void ScheduleTimer(Conversation conversation, double meanSeconds) =>
        Schedule(Now + Seconds(Exponential(meanSeconds)),
            new SimEvent(EventKind.StatusTimer, conversation.Queue, conversation, conversation.Version));

    private void ScheduleArrival(QueueModel queue)
    {
        if (NextPoissonTime(queue, queue.PeakArrivalsPerSecond) is { } when)
        {
            Schedule(when, new SimEvent(EventKind.Arrival, queue, null, 0));
        }
    }

    private void ScheduleOutbound(QueueModel queue)
    {
        if (NextPoissonTime(queue, queue.PeakOutboundPerSecond) is { } when)
        {
            Schedule(when, new SimEvent(EventKind.Outbound, queue, null, 0));
        }
    }

    private void ScheduleOpening(QueueModel queue)
    {
        var when = queue.Stream.Calendar.NextOpening(Now);
        if (when != long.MaxValue)
        {
            Schedule(when, new SimEvent(EventKind.Opening, queue, null, 0));
        }
    }

    /// <summary>Next event of a Poisson process whose rate follows the daily curve, by thinning.</summary>
    private long? NextPoissonTime(QueueModel queue, double peakPerSecond)
    {
        if (peakPerSecond <= 0)
        {
            return null;
        }
        var ceiling = peakPerSecond * Math.Max(1, _options.WeekendArrivalFactor);
        var t = Now;
        while (true)
        {
            t += Seconds(Exponential(1 / ceiling));
            var local = queue.Stream.Calendar.ToLocal(t);
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var rate = peakPerSecond * DailyCurve.At(local.TimeOfDay.TotalHours)
                * (weekend ? _options.WeekendArrivalFactor : 1);
            if (_random.NextDouble() * ceiling < rate)
            {
                return t;
            }
        }
    }

    private void Schedule(long when, SimEvent e) => _events.Enqueue(e, (when, _sequence++));

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private double Exponential(double mean) => -mean * Math.Log(1 - _random.NextDouble());

    private static long Seconds(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);
}

internal enum SlaLevel
{
    None,
    Warning,
    Critical,
    Breached,
}
