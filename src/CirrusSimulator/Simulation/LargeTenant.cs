namespace CirrusSimulator.Simulation;

/// <summary>
/// Generated streams for benchmarks: every module, a third on office hours, a quarter with sub-streams.
/// </summary>
internal static class LargeTenant
{
    public const long FirstStreamId = 500_000;

    private static readonly int[] Modules =
        [ModuleIds.Chat, ModuleIds.WhatsApp, ModuleIds.Sms, ModuleIds.Mailbox, ModuleIds.Voice,
            ModuleIds.FacebookMessenger];

    /// <param name="traffic">Scales every stream's arrivals.</param>
    public static List<StreamOptions> Streams(int count, double traffic) =>
        Enumerable.Range(0, count).Select(index => Stream(index, traffic)).ToList();

    private static StreamOptions Stream(int index, double traffic)
    {
        var stream = Template(Modules[index % Modules.Length]);
        stream.Id = FirstStreamId + index;
        stream.Name = $"Stream {index + 1}";
        stream.BusinessHours = index % 3 == 0 ? "Mon-Fri 08:00-18:00" : "24/7";
        stream.SubStreams = index % 4 == 1 ? [1, 2] : [];
        // Spread the load so that some streams run hot and others idle.
        var scale = (1 + index % 5 * 0.25) * traffic;
        stream.ArrivalsPerHour *= scale;
        stream.OutboundPerHour *= scale;
        return stream;
    }

    private static StreamOptions Template(int module) => module switch
    {
        ModuleIds.Chat => new()
        {
            ModuleId = module, Agents = 4, AgentCapacity = 3, ArrivalsPerHour = 20, HandleTimeSeconds = 480,
            SlaSeconds = 120, AbandonAfterSeconds = 1800, BotEnabled = true
        },
        ModuleIds.WhatsApp => new()
        {
            ModuleId = module, Agents = 4, AgentCapacity = 4, ArrivalsPerHour = 20, OutboundPerHour = 6,
            HandleTimeSeconds = 900, SlaSeconds = 600, BotEnabled = true
        },
        ModuleIds.Sms => new()
        {
            ModuleId = module, Agents = 2, AgentCapacity = 5, ArrivalsPerHour = 12, OutboundPerHour = 8,
            HandleTimeSeconds = 600, SlaSeconds = 900
        },
        ModuleIds.Mailbox => new()
        {
            ModuleId = module, Agents = 2, AgentCapacity = 8, ArrivalsPerHour = 15, OutboundPerHour = 6,
            HandleTimeSeconds = 1800, SlaSeconds = 14400
        },
        ModuleIds.Voice => new()
        {
            ModuleId = module, Agents = 4, AgentCapacity = 1, ArrivalsPerHour = 20, HandleTimeSeconds = 300,
            SlaSeconds = 60, AbandonAfterSeconds = 240
        },
        _ => new()
        {
            ModuleId = module, Agents = 2, AgentCapacity = 3, ArrivalsPerHour = 12, HandleTimeSeconds = 600,
            SlaSeconds = 900
        },
    };
}
