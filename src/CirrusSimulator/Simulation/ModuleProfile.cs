namespace CirrusSimulator.Simulation;

internal enum OutboundKind
{
    None,
    /// <summary>An agent drafts the message first (email).</summary>
    Draft,
    /// <summary>Some messages are scheduled for later (sms, whatsapp).</summary>
    Scheduled,
}

/// <summary>How conversations of one module behave after an agent has worked on them. Times in seconds.</summary>
internal sealed record ModuleProfile(
    int ObjectType,
    double PendingChance,
    double PendingMean,
    double FollowUpChance,
    double FollowUpMean,
    double ForwardChance,
    double ForwardMean,
    double IrrelevantChance,
    OutboundKind Outbound)
{
    // ObjectType ids (cirrus-api.md §6.4).
    private const int ConversationType = 4;
    private const int MailType = 5;
    private const int VoiceType = 8;

    public static ModuleProfile For(int moduleId) => moduleId switch
    {
        ModuleIds.Chat => new(ConversationType, 0.10, 600, 0.03, 3600, 0, 0, 0.04, OutboundKind.None),
        ModuleIds.WhatsApp => new(ConversationType, 0.20, 1800, 0.05, 7200, 0, 0, 0.04, OutboundKind.Scheduled),
        ModuleIds.Sms => new(ConversationType, 0.15, 1800, 0.05, 7200, 0, 0, 0.06, OutboundKind.Scheduled),
        ModuleIds.Mailbox => new(MailType, 0.15, 10800, 0.05, 14400, 0.08, 7200, 0.08, OutboundKind.Draft),
        ModuleIds.Voice => new(VoiceType, 0, 0, 0.05, 3600, 0, 0, 0.01, OutboundKind.None),
        _ => new(ConversationType, 0.15, 1800, 0.03, 3600, 0, 0, 0.04, OutboundKind.None),
    };
}
