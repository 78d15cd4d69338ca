namespace CirrusSimulator;

/// <summary>ModuleType ids of the channel modules the simulator knows (cirrus-api.md §6.3).</summary>
public static class ModuleIds
{
    public const int Mailbox = 6;
    public const int Chat = 9;
    public const int WhatsApp = 13;
    public const int Sms = 14;
    public const int Voice = 15;
    public const int FacebookMessenger = 38;
}

/// <summary>ObjectStatusType ids (cirrus-api.md §6.1).</summary>
public static class StatusIds
{
    public const int Open = 1;
    public const int Resolved = 2;
    public const int Forward = 3;
    public const int Irrelevant = 4;
    public const int Deleted = 5;
    public const int ForwardReply = 6;
    public const int Draft = 7;
    public const int InProcess = 8;
    public const int Scheduled = 9;
    public const int FollowUp = 10;
    public const int Automated = 11;
    public const int Sent = 13;
    public const int Archive = 14;
    public const int Pending = 15;

    /// <summary>Highest id, for arrays indexed by status.</summary>
    internal const int Max = 15;

    /// <summary>
    /// Statuses that end a conversation's life; conversations in them are pruned after the retention window.
    /// </summary>
    public static bool IsClosed(int status) =>
        status is Resolved or Irrelevant or Deleted or Sent or Archive;
}
