using System.Globalization;
using System.Text;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Docs;

/// <summary>
/// <c>cirrus-exporter docs</c>: rewrites the parts of docs/*.md and the README that restate the code (metric,
/// collector, label-name and configuration-key tables) from the catalogue, the collector descriptors and the options
/// classes. Each part sits between BEGIN/END GENERATED markers; the prose around it is written by hand.
/// </summary>
public static class GeneratedDocs
{
    public const string Command = "dotnet run --project src/CirrusExporter -- docs";

    /// <summary>
    /// Each generated file with its regions, by repository-relative path, for <paramref name="collectors"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, Func<string>>> Files(
        IReadOnlyList<CollectorDescriptor> collectors)
    {
        var tables = new DocTables(collectors);
        return new Dictionary<string, IReadOnlyDictionary<string, Func<string>>>
        {
            ["docs/metrics.md"] = new Dictionary<string, Func<string>>
            {
                ["metrics"] = tables.Metrics,
                ["runtime-metrics"] = DocTables.RuntimeMetrics,
                ["collectors"] = tables.Collectors,
                ["statuses"] = () => DocTables.LabelNames("status", BuiltInNames.Statuses),
                ["modules"] = () => DocTables.LabelNames("module", BuiltInNames.Modules),
            },
            ["docs/configuration.md"] = new Dictionary<string, Func<string>>
            {
                ["keys"] = tables.ConfigurationKeys,
            },
            ["README.md"] = new Dictionary<string, Func<string>>
            {
                ["configuration"] = tables.ConfigurationSummary,
                ["metrics"] = tables.MetricsSummary,
            },
        };
    }

    /// <summary>
    /// The checkout holding <paramref name="directory"/> (dotnet run starts a web project in its own folder), or null
    /// outside one. The tests find the repository with it too.
    /// </summary>
    public static string? RepositoryRoot(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CirrusExporter.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// Writes the files under <paramref name="root"/>, or with <paramref name="check"/> only reports stale ones; 0 when
    /// all were current.
    /// </summary>
    public static int Run(IReadOnlyList<CollectorDescriptor> collectors, string root, bool check, TextWriter output)
    {
        var stale = 0;
        foreach (var (path, regions) in Files(collectors))
        {
            var full = Path.Combine(root, path);
            if (!File.Exists(full))
            {
                output.WriteLine($"cirrus-exporter docs: {path} not found; run it in a checkout of the repository");
                return 2;
            }
            var text = File.ReadAllText(full);
            var generated = Generate(text, regions);
            if (generated == text) continue;
            stale++;
            if (check)
            {
                output.WriteLine($"cirrus-exporter docs: {path} is out of date; run {Command}");
            }
            else
            {
                File.WriteAllText(full, generated);
                output.WriteLine($"cirrus-exporter docs: updated {path}");
            }
        }
        return check && stale > 0 ? 1 : 0;
    }

    /// <summary>The text with every region replaced; a region's markers must be present exactly once.</summary>
    public static string Generate(string text, IReadOnlyDictionary<string, Func<string>> regions)
    {
        foreach (var (name, render) in regions)
        {
            var begin = $"<!-- BEGIN GENERATED {name}: {Command} -->\n";
            var end = $"<!-- END GENERATED {name} -->";
            var start = text.IndexOf(begin, StringComparison.Ordinal);
            var stop = text.IndexOf(end, StringComparison.Ordinal);
            if (start < 0 || stop < start || text.IndexOf(begin, start + 1, StringComparison.Ordinal) >= 0)
                throw new InvalidOperationException($"expected one '{begin.TrimEnd()}' followed by '{end}'");
            text = string.Concat(text.AsSpan(0, start + begin.Length), render(), text.AsSpan(stop));
        }
        return text;
    }
}

/// <summary>The generated Markdown tables, of <paramref name="collectors"/> and the exporter's own.</summary>
internal sealed class DocTables(IReadOnlyList<CollectorDescriptor> collectors)
{
    private IReadOnlyList<MetricDefinition> AllMetrics => MetricCatalogue.All(collectors.SelectMany(d => d.Metrics));

    public string Metrics()
    {
        var sb = new StringBuilder();
        sb.Append("| metric | type | labels | source (endpoint and field) | description | refresh |\n"
            + "|---|---|---|---|---|---|\n");
        foreach (var m in AllMetrics) Row(sb, m);
        return sb.ToString();
    }

    /// <summary>The README's short table: name, labels and what it is.</summary>
    public string MetricsSummary()
    {
        var sb = new StringBuilder();
        sb.Append("| metric | labels | what |\n|---|---|---|\n");
        foreach (var m in AllMetrics)
        {
            sb.Append($"| `{m.Name}` | {Labels(MetricCatalogue.SeriesLabels(m))} | {m.Description} |\n");
        }
        return sb.ToString();
    }

    public static string RuntimeMetrics()
    {
        var sb = new StringBuilder();
        sb.Append("| metric | type | labels | help |\n|---|---|---|---|\n");
        foreach (var m in MetricCatalogue.Runtime.All)
            sb.Append($"| `{m.Name}` | {m.Type} | {Labels(m.Labels)} | {m.Description} |\n");
        return sb.ToString();
    }

    public string Collectors()
    {
        var defaults = new CollectorsOptions();
        var sb = new StringBuilder();
        sb.Append("| collector (`collector`, `endpoint` label) | API call | configuration section | default interval "
            + "| families |\n|---|---|---|---|---|\n");
        foreach (var d in collectors)
        {
            var role = d.Role == CollectorRole.StreamSource
                ? " (stream source: refreshed first; lists the streams for discovery)"
                : "";
            sb.Append($"| `{d.Label}`{role} | `{d.Endpoint}` | `{d.Key("")[..^1]}` "
                + $"| {Seconds(d.Options(defaults).Interval)} "
                + $"| {string.Join(", ", d.Metrics.Select(m => $"`{m.Name}`"))} |\n");
        }
        return sb.ToString();
    }

    public static string LabelNames(string label, IReadOnlyDictionary<int, string> names)
    {
        var sb = new StringBuilder();
        sb.Append($"| id | {label} |\n|---|---|\n");
        foreach (var (id, name) in names.OrderBy(kv => kv.Key)) sb.Append($"| {id} | `{name}` |\n");
        return sb.ToString();
    }

    public string ConfigurationKeys()
    {
        var enabledKeys = collectors.ToDictionary(d => d.Key(nameof(CollectorOptions.Enabled)), d => d.Purpose);
        var sb = new StringBuilder();
        sb.Append("| key | type | default | meaning |\n|---|---|---|---|\n");
        foreach (var key in Configuration.ConfigurationKeys.Of(collectors))
        {
            var meaning = enabledKeys.GetValueOrDefault(key.Path) ?? key.Doc?.Meaning
                ?? throw new InvalidOperationException($"{key.Path} has no [KeyDoc]");
            sb.Append($"| `{key.Path}` | {Configuration.ConfigurationKeys.TypeWord(key.ValueType)} "
                + $"| {Default(key)} | {meaning} |\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The README's short key table: the keys whose [KeyDoc] has a README text, and one row for the collectors' common
    /// keys.
    /// </summary>
    public string ConfigurationSummary()
    {
        var prefix = $"{CirrusOptions.Section}:{nameof(CirrusOptions.Collectors)}:";
        var defaults = new CollectorsOptions();
        var sb = new StringBuilder();
        sb.Append("| key | default | meaning |\n|---|---|---|\n");
        var collectorsListed = false;
        foreach (var key in Configuration.ConfigurationKeys.Of(collectors))
        {
            if (key.Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (collectorsListed) continue;
                collectorsListed = true;
                var each = collectors.Select(d =>
                    $"`{d.Section}` {(d.Options(defaults).Enabled ? "on" : "off")}, "
                    + $"{Seconds(d.Options(defaults).Interval)}");
                sb.Append($"| `{prefix}<Name>:Enabled`, `:Interval`, `:Timeout` | {string.Join("; ", each)} "
                    + "| per collector (see the table in [docs/metrics.md](docs/metrics.md#collectors)); "
                    + "the timeout defaults to the interval |\n");
            }
            else if (key.Doc?.Readme is { } meaning)
            {
                sb.Append($"| `{key.Path}` | {Default(key)} | {meaning} |\n");
            }
        }
        return sb.ToString();
    }

    private void Row(StringBuilder sb, MetricDefinition m)
    {
        var description = m.Buckets is { } b
            ? $"{m.Description} Buckets: {string.Join(", ", b.Select(Number))} s."
            : m.Description;
        var refresh = m.Collector is { } c ? Refresh(collectors.Single(d => d.Label == c)) : m.Refresh
            ?? throw new InvalidOperationException($"{m.Name} has neither a collector nor a refresh");
        sb.Append($"| `{m.Name}` | {m.Type} | {Labels(MetricCatalogue.SeriesLabels(m))} | {m.Source} "
            + $"| {description} | {refresh} |\n");
    }

    private static string Refresh(CollectorDescriptor d) =>
        $"`{d.Label}` collector, `{d.Key(nameof(CollectorOptions.Interval))}` "
            + $"({Seconds(d.Options(new CollectorsOptions()).Interval)})";

    private static string Labels(string[] labels) =>
        labels.Length == 0 ? "—" : string.Join(", ", labels.Select(l => $"`{l}`"));

    private static string Default(ConfigKey key)
    {
        if (key.Unset) return key.Doc?.WhenUnset is { } text ? $"— ({text})" : "—";
        return $"`{key.Default switch
        {
            bool v => v ? "true" : "false",
            TimeSpan v => v.ToString("c", CultureInfo.InvariantCulture),
            Uri v => v.OriginalString,
            double v => Number(v),
            IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
            var v => Convert.ToString(v, CultureInfo.InvariantCulture),
        }}`";
    }

    private static string Seconds(TimeSpan t) => $"{Number(t.TotalSeconds)} s";

    private static string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
