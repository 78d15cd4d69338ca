using System.Collections.Frozen;
using System.Globalization;
using CirrusExporter.Configuration;

namespace CirrusExporter.Metrics;

/// <summary>
/// module and status label values: the vendor's ModuleType and ObjectStatusType names (cirrus-api.md §6),
/// overridable in config; an unknown id N becomes unknown_N rather than being dropped, up to
/// Cirrus:MaxUnknownLabelValues values per label.
/// </summary>
public sealed class LabelNames
{
    public static readonly IReadOnlyDictionary<int, string> BuiltInModules = new Dictionary<int, string>
    {
        [0] = "general", [1] = "customer_service", [3] = "facebook_page_connector", [4] = "static_content",
        [6] = "mailbox_connector", [7] = "youtube_connector", [8] = "twitter_connector", [9] = "chat",
        [10] = "web_syndication_connector", [11] = "facebook_monitor_connector", [13] = "whatsapp", [14] = "sms",
        [15] = "voice", [16] = "sso", [17] = "manage_client_customizations", [18] = "apple_appstore_reviews",
        [19] = "google_play_reviews", [20] = "instagram_connector", [21] = "contact_us", [22] = "customer_satisfactions",
        [23] = "automation_script", [24] = "intents", [25] = "interactive_navigator", [26] = "webrtc_video_chat",
        [27] = "webrtc_audio_chat", [28] = "forms", [29] = "customer_verification", [31] = "dynamics_crm_connector",
        [32] = "custom_fields", [33] = "rightnow_crm", [34] = "rules", [35] = "external_contacts", [36] = "working_hours",
        [37] = "custom", [38] = "facebook_messenger", [39] = "maintenance", [40] = "privacy_and_security",
        [41] = "auto_assign", [42] = "two_factor_authentication", [43] = "themes", [44] = "telegram",
        [45] = "google_my_business", [46] = "sap_crm", [47] = "sla", [48] = "push_notifications", [49] = "sys_aid",
        [50] = "workflow", [51] = "google_translate", [53] = "priority", [54] = "jira", [55] = "google_business_messages",
        [57] = "bi_custom_reports", [58] = "salesforce", [59] = "ai_assistant", [60] = "api", [61] = "zendesk",
        [65] = "teams", [71] = "hubspot",
    };

    public static readonly IReadOnlyDictionary<int, string> BuiltInStatuses = new Dictionary<int, string>
    {
        [1] = "open", [2] = "resolved", [3] = "forward", [4] = "irrelevant", [5] = "deleted", [6] = "forward_reply",
        [7] = "draft", [8] = "in_process", [9] = "scheduled", [10] = "follow_up", [11] = "automated", [13] = "sent",
        [14] = "archive", [15] = "pending",
    };

    private volatile Names _names;
    private readonly UnknownValues _unknownModules;
    private readonly UnknownValues _unknownStatuses;

    /// <param name="metrics">Counts the unknown ids left out; null in tests that do not look.</param>
    public LabelNames(CirrusOptions options, SelfMetrics? metrics = null)
    {
        _names = new Names(options);
        _unknownModules = new UnknownValues("module", options.MaxUnknownLabelValues, metrics);
        _unknownStatuses = new UnknownValues("status", options.MaxUnknownLabelValues, metrics);
    }

    /// <summary>The module label value, or null when the id is unknown and Cirrus:MaxUnknownLabelValues is reached.</summary>
    /// <summary>Takes reloaded names and cap; unknown_N values already admitted keep theirs.</summary>
    public void Apply(CirrusOptions options)
    {
        _names = new Names(options);
        _unknownModules.Cap = _unknownStatuses.Cap = options.MaxUnknownLabelValues;
    }

    private sealed record Names(FrozenDictionary<int, string> Modules, FrozenDictionary<int, string> Statuses)
    {
        public Names(CirrusOptions options) : this(Merge(BuiltInModules, options.ModuleNames), Merge(BuiltInStatuses, options.StatusNames)) { }
    }

    public string? Module(int id) => _names.Modules.TryGetValue(id, out var name) ? name : _unknownModules.Name(id);

    /// <summary>The status label value, or null when the id is unknown and Cirrus:MaxUnknownLabelValues is reached.</summary>
    public string? Status(int id) => _names.Statuses.TryGetValue(id, out var name) ? name : _unknownStatuses.Name(id);

    /// <summary>
    /// The unknown_N values one label may take: the first ids seen, up to the cap, keep their value for the life of
    /// the process (so series do not flap between ids); later ids are refused and counted once each.
    /// </summary>
    private sealed class UnknownValues(string label, int cap, SelfMetrics? metrics)
    {
        public int Cap { get; set; } = cap;

        // Refused ids are remembered (to count each once) only up to a bound, so the set cannot grow without end.
        private const int MaxRemembered = 100_000;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _admitted = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _refused = new();
        private readonly Lock _gate = new();

        public string? Name(int id)
        {
            if (_admitted.TryGetValue(id, out var name)) return name;
            lock (_gate)
            {
                if (_admitted.TryGetValue(id, out name)) return name;
                if (_admitted.Count < Cap) return _admitted[id] = "unknown_" + id.ToString(CultureInfo.InvariantCulture);
                if (_refused.Count < MaxRemembered && _refused.TryAdd(id, 0)) metrics?.ObserveLabelValueFolded(label);
                return null;
            }
        }
    }

    private static FrozenDictionary<int, string> Merge(IReadOnlyDictionary<int, string> defaults, Dictionary<string, string> overrides)
    {
        var merged = defaults.ToDictionary();
        foreach (var (key, value) in overrides) merged[int.Parse(key, CultureInfo.InvariantCulture)] = value;
        return merged.ToFrozenDictionary();
    }
}
