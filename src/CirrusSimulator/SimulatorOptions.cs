namespace CirrusSimulator;

/// <summary>
/// Everything that shapes a simulated tenant. Bound from the configuration section "Simulator"
/// when the simulator runs standalone; the defaults describe a small demo tenant.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Seeds every random draw of the simulation: same seed and same clock give the same responses.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Bearer token the API endpoints accept.</summary>
    public string Token { get; set; } = "demo-token";

    /// <summary>When set, /admin requires "Authorization: Bearer AdminToken"; when empty /admin is open.</summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// Simulated time runs this many times faster than the clock: simulated = start + elapsed x SpeedFactor.
    /// </summary>
    public double SpeedFactor { get; set; } = 1;

    /// <summary>Simulated time at start; defaults to the clock's current time.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Simulated history before StartTime, so the tenant starts with a realistic backlog.</summary>
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromHours(8);

    /// <summary>IANA or Windows time zone id in which business hours and the daily curve are read.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Dates (yyyy-MM-dd) on which every stream is closed (holidays).</summary>
    public List<string> SpecialDays { get; set; } = [];

    /// <summary>
    /// How long closed conversations (resolved, archived, irrelevant, deleted, sent) are kept before they are pruned.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Resolved conversations move to Archive after this long.</summary>
    public TimeSpan ArchiveAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Fraction of the SLA after which a waiting conversation is at warning.</summary>
    public double SlaWarningFraction { get; set; } = 0.5;

    /// <summary>Fraction of the SLA after which a waiting conversation is SLA-critical.</summary>
    public double SlaCriticalFraction { get; set; } = 0.8;

    /// <summary>Arrival rate multiplier on Saturdays and Sundays.</summary>
    public double WeekendArrivalFactor { get; set; } = 0.5;

    /// <summary>Upper bound on not-closed conversations per stream; arrivals beyond it are turned away.</summary>
    public int MaxOpenPerStream { get; set; } = 5000;

    /// <summary>When above zero, replaces Streams with this many generated streams (benchmarks).</summary>
    public int LargeTenantStreams { get; set; }

    /// <summary>
    /// Scales the generated streams' arrivals: below 1 a quieter tenant, where fewer streams have conversations open.
    /// </summary>
    public double LargeTenantTraffic { get; set; } = 1;

    /// <summary>The tenant's streams (channels). Defaults to the demo tenant.</summary>
    public List<StreamOptions> Streams { get; set; } = DemoStreams();

    /// <summary>Faults active from the start; the admin API changes them at run time.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Minimum log level; Warning keeps the simulator quiet when it runs inside another process.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>
    /// Binds options from a configuration section; a configured stream list replaces the demo streams.
    /// </summary>
    public static SimulatorOptions FromConfiguration(IConfiguration section)
    {
        var options = new SimulatorOptions();
        // The binder appends to a non-empty list, so configured streams would pile onto the demo ones.
        if (section.GetSection(nameof(Streams)).Exists())
        {
            options.Streams = [];
        }
        section.Bind(options);
        return options;
    }

    /// <summary>The demo tenant: eight streams across six modules, two with sub-streams, one inactive.</summary>
    public static List<StreamOptions> DemoStreams() =>
    [
        new() { Id = 11345, Name = "Web chat", ModuleId = ModuleIds.Chat, BusinessHours = "Mon-Sun 07:00-23:00",
                Agents = 4, AgentCapacity = 3, ArrivalsPerHour = 40, HandleTimeSeconds = 480, SlaSeconds = 120,
                AbandonAfterSeconds = 1800, BotEnabled = true },
        new() { Id = 11346, Name = "WhatsApp", ModuleId = ModuleIds.WhatsApp, SubStreams = [12, 14],
                BusinessHours = "Mon-Fri 08:00-20:00; Sat 09:00-14:00", Agents = 4, AgentCapacity = 4,
                ArrivalsPerHour = 50, OutboundPerHour = 8, HandleTimeSeconds = 900, SlaSeconds = 600,
                BotEnabled = true },
        new() { Id = 11347, Name = "SMS", ModuleId = ModuleIds.Sms, BusinessHours = "Mon-Fri 08:00-18:00",
                Agents = 2, AgentCapacity = 5, ArrivalsPerHour = 15, OutboundPerHour = 12, HandleTimeSeconds = 600,
                SlaSeconds = 900 },
        new() { Id = 11350, Name = "Support mailbox", ModuleId = ModuleIds.Mailbox, SubStreams = [21, 22, 23],
                BusinessHours = "Mon-Fri 08:00-18:00", Agents = 3, AgentCapacity = 8, ArrivalsPerHour = 24,
                OutboundPerHour = 4, HandleTimeSeconds = 1800, SlaSeconds = 14400 },
        new() { Id = 11352, Name = "Voice", ModuleId = ModuleIds.Voice, BusinessHours = "Mon-Fri 08:00-18:00",
                Agents = 5, AgentCapacity = 1, ArrivalsPerHour = 45, HandleTimeSeconds = 300, SlaSeconds = 60,
                AbandonAfterSeconds = 240 },
        new() { Id = 11353, Name = "Messenger", ModuleId = ModuleIds.FacebookMessenger, BusinessHours = "24/7",
                Agents = 1, AgentCapacity = 3, ArrivalsPerHour = 12, HandleTimeSeconds = 600, SlaSeconds = 900 },
        new() { Id = 11354, Name = "Weekend chat", ModuleId = ModuleIds.Chat, BusinessHours = "Sat-Sun 10:00-18:00",
                Agents = 2, AgentCapacity = 3, ArrivalsPerHour = 10, HandleTimeSeconds = 480, SlaSeconds = 180,
                AbandonAfterSeconds = 1800 },
        new() { Id = 11360, Name = "Legacy SMS", ModuleId = ModuleIds.Sms, Active = false },
    ];
}

/// <summary>One stream (channel) of the simulated tenant.</summary>
public sealed class StreamOptions
{
    public long Id { get; set; }

    /// <summary>Display name (only shown by the admin API: the Cirrus API has no stream names).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// ModuleType id: chat=9, whatsapp=13, sms=14, mailbox_connector=6, voice=15, facebook messenger=38.
    /// </summary>
    public int ModuleId { get; set; } = ModuleIds.Chat;

    /// <summary>
    /// Sub-stream ids; empty means the stream has none (subStreamId 0). Agents and arrivals are split across them.
    /// </summary>
    public List<long> SubStreams { get; set; } = [];

    /// <summary>An inactive stream answers availability state 0 and receives no conversations.</summary>
    public bool Active { get; set; } = true;

    /// <summary>Weekly opening hours, e.g. "Mon-Fri 08:00-12:00 13:00-18:00; Sat 09:00-13:00", or "24/7".</summary>
    public string BusinessHours { get; set; } = "Mon-Fri 08:00-18:00";

    /// <summary>Dates (yyyy-MM-dd) on which this stream is closed, on top of the tenant-wide special days.</summary>
    public List<string> SpecialDays { get; set; } = [];

    public int Agents { get; set; } = 3;

    /// <summary>Conversations one agent handles at the same time.</summary>
    public int AgentCapacity { get; set; } = 3;

    /// <summary>Agents with auto-assignment turned on (availability with autoAssign=true); null means all.</summary>
    public int? AutoAssignAgents { get; set; }

    /// <summary>Inbound conversations per hour at the daily peak (Poisson, shaped by the daily curve).</summary>
    public double ArrivalsPerHour { get; set; } = 20;

    /// <summary>Agent-initiated outbound messages per hour at the daily peak (sms, whatsapp, email only).</summary>
    public double OutboundPerHour { get; set; }

    /// <summary>Mean time an agent works on a conversation before it leaves In Process.</summary>
    public double HandleTimeSeconds { get; set; } = 600;

    /// <summary>
    /// First-response SLA: time allowed from entering the queue (in business hours) to the first agent response.
    /// </summary>
    public double SlaSeconds { get; set; } = 300;

    /// <summary>Customers give up after waiting this long without a first response; 0 means never.</summary>
    public double AbandonAfterSeconds { get; set; }

    /// <summary>A bot answers first (status Automated) and hands over or resolves; it also keeps the stream
    /// "available" when availability is asked with ignoreAutomationExsistance=false.</summary>
    public bool BotEnabled { get; set; }
}

/// <summary>Fault injection; all off by default.</summary>
public sealed class FaultOptions
{
    /// <summary>Added delay before every API answer.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Fraction (0..1) of API calls answered 500.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Fraction (0..1) of API calls answered 429; 1 is a full throttling storm.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>Retry-After (seconds) sent with 429 answers; 0 sends none.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>Every API call is answered 401, whatever its token.</summary>
    public bool TokenRevoked { get; set; }

    /// <summary>
    /// Fraction (0..1) of API answers whose JSON body is cut short (the status code stays as it was).
    /// </summary>
    public double MalformedRate { get; set; }

    /// <summary>
    /// A rate limit the API does not announce: calls beyond this many per second (one second's burst) get 429; 0 is
    /// none.
    /// </summary>
    public int RateLimitPerSecond { get; set; }
}
