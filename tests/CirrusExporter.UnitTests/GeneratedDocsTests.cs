using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using CirrusExporter.Configuration;
using CirrusExporter.Docs;
using CirrusExporter.TestSupport;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The generated parts of docs/*.md are exactly what `cirrus-exporter docs` writes, and say what the code does.
/// </summary>
public sealed class GeneratedDocsTests
{
    public static TheoryData<string> Files => new(GeneratedDocs.Files(Registered.Collectors).Keys);

    [Theory]
    [MemberData(nameof(Files))]
    public void Committed_file_is_the_generated_output(string path)
    {
        var committed = Markdown.ReadDoc(path).ReplaceLineEndings("\n");
        var generated = GeneratedDocs.Generate(committed, GeneratedDocs.Files(Registered.Collectors)[path]);
        Assert.True(generated == committed,
            $"{path} is out of date: run `{GeneratedDocs.Command}` and commit the result");
    }

    [Fact]
    public void Check_mode_reports_a_stale_file_and_writes_nothing()
    {
        var root = Directory.CreateTempSubdirectory("cirrus-docs-").FullName;
        try
        {
            foreach (var path in GeneratedDocs.Files(Registered.Collectors).Keys)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllText(Path.Combine(root, path), Markdown.ReadDoc(path).ReplaceLineEndings("\n"));
            }
            var stale = Path.Combine(root, "docs/metrics.md");
            var edited = File.ReadAllText(stale)
                .Replace("| `cirrus_up` | gauge |", "| `cirrus_up` | counter |", StringComparison.Ordinal);
            File.WriteAllText(stale, edited);

            var output = new StringWriter();
            Assert.Equal(1, GeneratedDocs.Run(Registered.Collectors, root, check: true, output));
            Assert.Equal($"cirrus-exporter docs: docs/metrics.md is out of date; run {GeneratedDocs.Command}\n",
                output.ToString().ReplaceLineEndings("\n"));
            Assert.Equal(edited, File.ReadAllText(stale));

            Assert.Equal(0, GeneratedDocs.Run(Registered.Collectors, root, check: false, TextWriter.Null));
            Assert.Equal(Markdown.ReadDoc("docs/metrics.md").ReplaceLineEndings("\n"), File.ReadAllText(stale));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_file_without_the_markers_of_a_region_is_an_error_not_silently_skipped()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            GeneratedDocs.Generate("# Metrics\n", GeneratedDocs.Files(Registered.Collectors)["docs/metrics.md"]));
        Assert.Contains("BEGIN GENERATED", e.Message);
    }

    [Fact]
    public void Key_walk_finds_the_nested_list_and_map_keys()
    {
        var paths = ConfigurationKeys.Of(Registered.Collectors).Select(k => k.Path).ToList();
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
    public void Every_options_class_the_key_walk_reaches_is_kept_for_native_aot()
    {
        // Kept: listed on Walk, carried by a collector's descriptor, or named by a DynamicDependency of a kept class;
        // a kept class keeps the public properties it inherits.
        var walk = typeof(ConfigurationKeys).GetMethod("Walk", BindingFlags.NonPublic | BindingFlags.Static)!;
        var kept = new HashSet<Type>();
        void Keep(Type t)
        {
            if (!kept.Add(t)) return;
            if (t.BaseType is { } b && b != typeof(object)) Keep(b);
            foreach (var ctor in t.GetConstructors())
            {
                foreach (var dependency in ctor.GetCustomAttributes<DynamicDependencyAttribute>())
                {
                    Keep(dependency.Type!);
                }
            }
        }
        foreach (var a in walk.GetCustomAttributes<DynamicDependencyAttribute>()) Keep(a.Type!);
        foreach (var d in Registered.Collectors) Keep(d.OptionsBinding.Type);

        var reached = new HashSet<Type>();
        void Visit(Type t)
        {
            if (t == typeof(CollectorsOptions))
            {
                foreach (var d in Registered.Collectors) Visit(d.OptionsBinding.Type);
                return;
            }
            if (t.Namespace?.StartsWith("CirrusExporter", StringComparison.Ordinal) != true || !t.IsClass
                || !reached.Add(t))
            {
                return;
            }
            if (t.BaseType is { } b) Visit(b);
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var type in p.PropertyType.IsGenericType
                    ? p.PropertyType.GetGenericArguments() : [p.PropertyType])
                {
                    Visit(type);
                }
            }
        }
        foreach (var root in new[] { typeof(CirrusOptions), typeof(WebOptions), typeof(LogOptions) }) Visit(root);
        Assert.Equal(reached.Select(t => t.Name).Order(StringComparer.Ordinal),
            kept.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_readme_key_table_lists_the_keys_marked_for_it_and_every_collector()
    {
        var rows = Markdown.Table(Markdown.ReadDoc("README.md"), "key", "default", "meaning");
        var marked = ConfigurationKeys.Of(Registered.Collectors).Where(k => k.Doc?.Readme is not null)
            .Select(k => $"`{k.Path}`").ToList();
        Assert.Contains("`Cirrus:ApiToken`", marked);
        Assert.Equal(marked,
            rows.Select(r => r[0]).Where(k => !k.StartsWith("`Cirrus:Collectors:", StringComparison.Ordinal)));
        var collectors = Assert.Single(rows,
            r => r[0].StartsWith("`Cirrus:Collectors:<Name>:Enabled`", StringComparison.Ordinal));
        Assert.All(Registered.Collectors, d => Assert.Contains(
            $"`{d.Section}` {(d.Options(new CollectorsOptions()).Enabled ? "on" : "off")}", collectors[1]));
    }

    [Fact]
    public void Every_configuration_key_has_a_meaning()
    {
        Assert.All(ConfigurationKeys.Of(Registered.Collectors),
            key => Assert.False(string.IsNullOrWhiteSpace(key.Doc?.Meaning), $"{key.Path} lacks [KeyDoc]"));
    }

    [Fact]
    public void Documented_defaults_are_valid_settings_that_convert_to_the_code_defaults()
    {
        var rows = Markdown.Table(Markdown.ReadDoc("docs/configuration.md"), "key", "type", "default", "meaning")
            .ToDictionary(r => Assert.Single(Markdown.CodeSpans(r[0])), r => r);
        Assert.Equal(ConfigurationKeys.Of(Registered.Collectors).Select(k => k.Path).Order(StringComparer.Ordinal),
            rows.Keys.Order(StringComparer.Ordinal));
        foreach (var key in ConfigurationKeys.Of(Registered.Collectors)
            .Where(k => !k.Unset && k.Shape == KeyShape.Value))
        {
            var documented = Assert.Single(Markdown.CodeSpans(rows[key.Path][2]));
            // Converted the way the configuration binder converts it, so the doc's text is also a valid setting.
            var parsed = TypeDescriptor.GetConverter(key.ValueType).ConvertFromInvariantString(documented);
            Assert.True(Equals(key.Default, parsed),
                $"{key.Path}: documented default '{documented}' is {parsed}, code default is {key.Default}");
        }
    }

    [Fact]
    public void Documented_status_and_module_names_are_the_built_in_ones()
    {
        var doc = Markdown.ReadDoc("docs/metrics.md");
        Assert.Equal(14, LabelNamesOf(doc, "status").Count);
        Assert.Equal(BuiltInNames.Statuses, LabelNamesOf(doc, "status"));
        Assert.Equal(BuiltInNames.Modules, LabelNamesOf(doc, "module"));
    }

    private static Dictionary<int, string> LabelNamesOf(string doc, string label) =>
        Markdown.Table(doc, "id", label).ToDictionary(r => int.Parse(r[0], CultureInfo.InvariantCulture),
            r => Assert.Single(Markdown.CodeSpans(r[1])));

    [Fact]
    public void Configuration_doc_shows_every_way_of_setting_a_key()
    {
        var doc = Markdown.ReadDoc("docs/configuration.md");
        Assert.Contains("`Cirrus__Http__MaxConcurrency=16`", doc);
        Assert.Contains("`--Cirrus:Http:MaxConcurrency=16`", doc);
        Assert.Contains("`Cirrus__Streams__0__Id`", doc);
        Assert.Contains("--check-config", doc);
        Assert.Single(Markdown.FencedBlocks(doc, "json"));
        Assert.Single(Markdown.FencedBlocks(doc, "dotenv"));
    }
}
