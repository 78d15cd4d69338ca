namespace CirrusSimulator.Simulation;

/// <summary>
/// A stream at run time: its options, calendar and one queue per sub-stream (or one for subStreamId 0).
/// </summary>
internal sealed class StreamModel(StreamOptions options, BusinessCalendar calendar, ModuleProfile profile)
{
    public StreamOptions Options { get; } = options;
    public long Id => Options.Id;
    public int ModuleId => Options.ModuleId;
    public bool Active => Options.Active;
    public BusinessCalendar Calendar { get; } = calendar;
    public ModuleProfile Profile { get; } = profile;
    public List<QueueModel> Queues { get; } = [];

    /// <summary>Conversations not in a closed status, for the MaxOpenPerStream bound.</summary>
    public int OpenCount { get; set; }
}

/// <summary>One agent: a number of concurrent conversation slots.</summary>
internal sealed class Agent(int capacity, bool autoAssign)
{
    public int Capacity { get; } = capacity;
    public bool AutoAssign { get; } = autoAssign;
    public int Load { get; set; }
    public bool HasFreeSlot => Load < Capacity;
}

/// <summary>The unit of routing: a (stream, sub-stream) pair with its own agents and waiting line.</summary>
internal sealed class QueueModel(StreamModel stream, long subStreamId)
{
    public StreamModel Stream { get; } = stream;
    public long SubStreamId { get; } = subStreamId;

    public List<Agent> Agents { get; } = [];

    /// <summary>Conversations waiting for an agent (status Open), oldest first.</summary>
    public SortedSet<Conversation> Waiting { get; } = new(WaitingOrder.Instance);

    /// <summary>Every stored conversation of this queue, whatever its status.</summary>
    public Dictionary<long, Conversation> Conversations { get; } = [];

    /// <summary>Conversation count per status id.</summary>
    public int[] StatusCounts { get; } = new int[StatusIds.Max + 1];

    public double PeakArrivalsPerSecond => Stream.Options.ArrivalsPerHour / 3600.0 / Stream.Queues.Count;
    public double PeakOutboundPerSecond => Stream.Profile.Outbound == OutboundKind.None
        ? 0
        : Stream.Options.OutboundPerHour / 3600.0 / Stream.Queues.Count;

    private sealed class WaitingOrder : IComparer<Conversation>
    {
        public static readonly WaitingOrder Instance = new();

        public int Compare(Conversation? x, Conversation? y)
        {
            var byTime = x!.QueuedAt.CompareTo(y!.QueuedAt);
            return byTime != 0 ? byTime : x.Id.CompareTo(y.Id);
        }
    }
}

/// <summary>A conversation ("object"). Times are UTC ticks of simulated time.</summary>
internal sealed class Conversation(long id, QueueModel queue, int objectType, long created)
{
    /// <summary>SlaStart value of a conversation that is not on an SLA clock.</summary>
    public const long NoSla = long.MaxValue;

    public long Id { get; } = id;
    public QueueModel Queue { get; } = queue;
    public int ObjectType { get; } = objectType;
    public long Created { get; } = created;
    public int Status { get; set; }
    public long Updated { get; set; } = created;
    public long? FirstResponse { get; set; }
    public long? Closed { get; set; }
    public long QueuedAt { get; set; }
    public long SlaStart { get; set; } = NoSla;

    /// <summary>Agents do not pick the conversation before this time (used by injected breaches).</summary>
    public long RoutableAt { get; set; }

    public Agent? Agent { get; set; }
    public int NumTags { get; set; }

    /// <summary>Bumped on every status change; a timer carrying an older version is stale and ignored.</summary>
    public int Version { get; set; }

    public bool OnSlaClock => Status == StatusIds.Open && FirstResponse is null && SlaStart != NoSla;
}
