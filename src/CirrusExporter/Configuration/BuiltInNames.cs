namespace CirrusExporter.Configuration;

/// <summary>
/// The vendor's ModuleType and ObjectStatusType names (cirrus-api.md §6): the module and status label values that
/// Cirrus:ModuleNames and Cirrus:StatusNames override, and the names a configured one must not collide with.
/// </summary>
public static class BuiltInNames
{
    public static readonly IReadOnlyDictionary<int, string> Modules = new Dictionary<int, string>
    {
        [0] = "general", [1] = "customer_service", [3] = "facebook_page_connector", [4] = "static_content",
        [6] = "mailbox_connector", [7] = "youtube_connector", [8] = "twitter_connector", [9] = "chat",
        [10] = "web_syndication_connector", [11] = "facebook_monitor_connector", [13] = "whatsapp", [14] = "sms",
        [15] = "voice", [16] = "sso", [17] = "manage_client_customizations", [18] = "apple_appstore_reviews",
        [19] = "google_play_reviews", [20] = "instagram_connector", [21] = "contact_us",
        [22] = "customer_satisfactions", [23] = "automation_script", [24] = "intents", [25] = "interactive_navigator",
        [26] = "webrtc_video_chat", [27] = "webrtc_audio_chat", [28] = "forms", [29] = "customer_verification",
        [31] = "dynamics_crm_connector", [32] = "custom_fields", [33] = "rightnow_crm", [34] = "rules",
        [35] = "external_contacts", [36] = "working_hours", [37] = "custom", [38] = "facebook_messenger",
        [39] = "maintenance", [40] = "privacy_and_security", [41] = "auto_assign", [42] = "two_factor_authentication",
        [43] = "themes", [44] = "telegram", [45] = "google_my_business", [46] = "sap_crm", [47] = "sla",
        [48] = "push_notifications", [49] = "sys_aid", [50] = "workflow", [51] = "google_translate", [53] = "priority",
        [54] = "jira", [55] = "google_business_messages", [57] = "bi_custom_reports", [58] = "salesforce",
        [59] = "ai_assistant", [60] = "api", [61] = "zendesk", [65] = "teams", [71] = "hubspot",
    };

    public static readonly IReadOnlyDictionary<int, string> Statuses = new Dictionary<int, string>
    {
        [1] = "open", [2] = "resolved", [3] = "forward", [4] = "irrelevant", [5] = "deleted", [6] = "forward_reply",
        [7] = "draft", [8] = "in_process", [9] = "scheduled", [10] = "follow_up", [11] = "automated", [13] = "sent",
        [14] = "archive", [15] = "pending",
    };
}
