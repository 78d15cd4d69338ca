using System.ComponentModel;
using System.Globalization;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Collectors;

namespace CirrusExporter.UnitTests;

/// <summary>docs/metrics.md and docs/configuration.md describe exactly what the code serves and reads.</summary>
public sealed class DocsInStepTests
{
    private static readonly string MetricsDoc = Markdown.ReadDoc("docs/metrics.md");
    private static readonly string ConfigurationDoc = Markdown.ReadDoc("docs/configuration.md");

    private static Dictionary<string, string[]> MetricRows() =>
        Markdown.Table(MetricsDoc, "metric", "type", "labels", "source (endpoint and field)", "description", "refresh")
            .ToDictionary(r => Assert.Single(Markdown.CodeSpans(r[0])), r => r);

    private static Dictionary<string, string[]> KeyRows() =>
        Markdown.Table(ConfigurationDoc, "key", "type", "default", "meaning")
            .ToDictionary(r => Assert.Single(Markdown.CodeSpans(r[0])), r => r);

    [Fact]
    public void Metrics_table_lists_exactly_the_catalogue()
    {
        var documented = MetricRows().Keys.Order(StringComparer.Ordinal).ToList();
        var catalogue = MetricCatalogue.All.Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(catalogue, documented);
    }

    [Fact]
    public void Every_metric_row_has_the_catalogue_type_labels_and_collector()
    {
        var rows = MetricRows();
        foreach (var metric in MetricCatalogue.All)
        {
            var row = rows[metric.Name];
            Assert.True(metric.Type == row[1], $"{metric.Name}: documented type '{row[1]}', code '{metric.Type}'");
            var labels = row[2] == "—" ? [] : Markdown.CodeSpans(row[2]);
            Assert.True(metric.Labels.SequenceEqual(labels), $"{metric.Name}: documented labels [{string.Join(",", labels)}], code [{string.Join(",", metric.Labels)}]");
            Assert.False(string.IsNullOrWhiteSpace(row[3]), $"{metric.Name} has no documented source");
            Assert.False(string.IsNullOrWhiteSpace(row[4]), $"{metric.Name} has no documented description");

            var namedCollectors = CollectorRegistry.All.Select(d => d.Label).Where(c => row[5].Contains($"`{c}` collector")).ToList();
            Assert.Equal(metric.Collector is null ? [] : [metric.Collector], namedCollectors);
        }
    }

    [Fact]
    public void Documented_status_and_module_names_are_the_built_in_ones()
    {
        var labels = new LabelNames(new CirrusOptions());
        var ids = Enumerable.Range(0, 256).ToList();
        var statuses = ids.Where(id => !labels.Status(id).StartsWith("unknown_", StringComparison.Ordinal)).ToDictionary(id => id, labels.Status);
        var modules = ids.Where(id => !labels.Module(id).StartsWith("unknown_", StringComparison.Ordinal)).ToDictionary(id => id, labels.Module);

        Assert.Equal(14, statuses.Count);
        Assert.Equal(statuses, Markdown.Table(MetricsDoc, "id", "status").ToDictionary(r => int.Parse(r[0], CultureInfo.InvariantCulture), r => Assert.Single(Markdown.CodeSpans(r[1]))));
        Assert.Equal(modules, Markdown.Table(MetricsDoc, "id", "module").ToDictionary(r => int.Parse(r[0], CultureInfo.InvariantCulture), r => Assert.Single(Markdown.CodeSpans(r[1]))));
    }

    [Fact]
    public void Key_walk_finds_the_nested_list_and_map_keys()
    {
        // Guards the walk itself: a broken walk would make the two tests below pass vacuously.
        var paths = ConfigKeys.All.Select(k => k.Path).ToList();
        Assert.Contains("Cirrus:Collectors:Objects:PageSize", paths);
        Assert.Contains("Cirrus:Collectors:Availability:IgnoreAutomation", paths);
        Assert.Contains("Cirrus:Streams:N:SubStreams:N", paths);
        Assert.Contains("Cirrus:StatusNames:<id>", paths);
        Assert.Contains("Web:ListenAddress", paths);
        Assert.Contains("Log:Level", paths);
        Assert.DoesNotContain("Cirrus:Collectors:Availability:Deadline", paths);
        Assert.Equal(paths.Count, paths.Distinct().Count());
    }

    [Fact]
    public void Every_configuration_key_is_documented_and_every_documented_key_exists()
    {
        var documented = KeyRows().Keys.ToHashSet();
        var code = ConfigKeys.All.Select(k => k.Path).ToHashSet();
        Assert.True(code.Except(documented).ToList() is [], $"keys missing from docs/configuration.md: {string.Join(", ", code.Except(documented))}");
        Assert.True(documented.Except(code).ToList() is [], $"documented keys the code lacks: {string.Join(", ", documented.Except(code))}");
    }

    [Fact]
    public void Documented_types_and_defaults_are_the_code_defaults()
    {
        var rows = KeyRows();
        foreach (var key in ConfigKeys.All)
        {
            // A missing row is reported by the test above.
            if (!rows.TryGetValue(key.Path, out var row)) continue;
            Assert.True(ConfigKeys.TypeWord(key.ValueType) == row[1], $"{key.Path}: documented type '{row[1]}', expected '{ConfigKeys.TypeWord(key.ValueType)}'");
            if (key.InListItem) continue;

            var cell = row[2];
            var unset = key.Default is null || key.Default is System.Collections.ICollection { Count: 0 };
            if (unset)
            {
                Assert.True(cell.StartsWith('—'), $"{key.Path}: code has no default, docs say '{cell}'");
                continue;
            }
            var documented = Markdown.CodeSpans(cell).FirstOrDefault();
            Assert.True(documented is not null, $"{key.Path}: code default {key.Default}, docs give none");
            if (key.Shape == KeyShape.List)
            {
                var items = ((System.Collections.IEnumerable)key.Default!).Cast<object>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture));
                Assert.Equal($"[{string.Join(", ", items)}]", documented);
            }
            else
            {
                // Converted the way the configuration binder converts it, so the doc's text is also a valid setting.
                var parsed = TypeDescriptor.GetConverter(key.ValueType).ConvertFromInvariantString(documented);
                Assert.True(Equals(key.Default, parsed), $"{key.Path}: documented default '{documented}' is {parsed}, code default is {key.Default}");
            }
        }
    }

    [Fact]
    public void Configuration_doc_shows_every_way_of_setting_a_key()
    {
        Assert.Contains("`Cirrus__Http__MaxConcurrency=16`", ConfigurationDoc);
        Assert.Contains("`--Cirrus:Http:MaxConcurrency=16`", ConfigurationDoc);
        Assert.Contains("`Cirrus__Streams__0__Id`", ConfigurationDoc);
        Assert.Contains("--check-config", ConfigurationDoc);
        Assert.Single(Markdown.FencedBlocks(ConfigurationDoc, "json"));
        Assert.Single(Markdown.FencedBlocks(ConfigurationDoc, "dotenv"));
    }
}
