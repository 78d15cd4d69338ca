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

    /// <summary>Takes reloaded names and cap; unknown_N values already admitted keep theirs.</summary>
    public void Apply(CirrusOptions options)
    {
        _names = new Names(options);
        _unknownModules.Cap = _unknownStatuses.Cap = options.MaxUnknownLabelValues;
    }

    private sealed record Names(FrozenDictionary<int, string> Modules, FrozenDictionary<int, string> Statuses)
    {
        public Names(CirrusOptions options)
            : this(Merge(BuiltInNames.Modules, options.ModuleNames), Merge(BuiltInNames.Statuses, options.StatusNames))
        {
        }
    }

    public string? Module(int id) => _names.Modules.TryGetValue(id, out var name) ? name : _unknownModules.Name(id);

    /// <summary>
    /// The status label value, or null when the id is unknown and Cirrus:MaxUnknownLabelValues is reached.
    /// </summary>
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
                if (_admitted.Count < Cap)
                    return _admitted[id] = "unknown_" + id.ToString(CultureInfo.InvariantCulture);
                if (_refused.Count < MaxRemembered && _refused.TryAdd(id, 0))
                    metrics?.ObserveLabelValueFolded(label);
                return null;
            }
        }
    }

    private static FrozenDictionary<int, string> Merge(
        IReadOnlyDictionary<int, string> defaults, Dictionary<string, string> overrides)
    {
        var merged = defaults.ToDictionary();
        foreach (var (key, value) in overrides) merged[int.Parse(key, CultureInfo.InvariantCulture)] = value;
        return merged.ToFrozenDictionary();
    }
}
