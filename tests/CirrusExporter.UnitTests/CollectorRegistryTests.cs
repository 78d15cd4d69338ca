using System.Reflection;
using System.Text.RegularExpressions;
using CirrusExporter.Configuration;
using CirrusExporter.Hosting;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CirrusExporter.UnitTests;

/// <summary>
/// A registered collector is complete: a configuration section, registration, validation, metrics in the
/// catalogue and rows in the generated docs. (Rendering is enforced by the compiler: CollectorData.Render is abstract.)
/// </summary>
public sealed class CollectorRegistryTests
{
    public static TheoryData<string> Labels => new(Registered.Labels);

    private static CollectorDescriptor Get(string label) => Registered.Collector(label);

    [Fact]
    public void Labels_and_sections_are_unique_and_exactly_one_collector_supplies_the_streams()
    {
        Assert.Equal(Registered.Collectors.Count, Registered.Labels.Distinct().Count());
        Assert.Equal(Registered.Collectors.Count, Registered.Collectors.Select(d => d.Section).Distinct().Count());
        Assert.Single(Registered.Collectors, d => d.Role == CollectorRole.StreamSource);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Its_options_are_bound_from_its_own_section(string label)
    {
        var d = Get(label);
        var collectors = new CollectorsOptions();
        Assert.IsType(d.OptionsBinding.Type, d.Options(collectors));
        collectors.Bind(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{d.Section}:Interval"] = "00:00:42",
        }).Build(), Registered.Collectors);
        Assert.Equal(TimeSpan.FromSeconds(42), d.Options(collectors).Interval);
        Assert.All(Registered.Collectors.Where(o => o != d),
            o => Assert.NotEqual(TimeSpan.FromSeconds(42), o.Options(collectors).Interval));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Its_metrics_are_in_the_catalogue_and_name_it(string label)
    {
        var d = Get(label);
        Assert.NotEmpty(d.Metrics);
        Assert.All(d.Metrics,
            m => Assert.Contains(m, MetricCatalogue.All(Registered.Collectors.SelectMany(c => c.Metrics))));
        Assert.All(d.Metrics, m => Assert.Equal(label, m.Collector));
        Assert.Equal(d.Metrics,
            MetricCatalogue.All(Registered.Collectors.SelectMany(c => c.Metrics)).Where(m => m.Collector == label));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Validation_checks_its_interval_and_passes_its_defaults(string label)
    {
        var d = Get(label);
        var options = new CirrusOptions { ApiToken = "t" };
        d.Options(options.Collectors).Enabled = true; // some are off by default
        Assert.Empty(d.Options(options.Collectors).Validate());
        Assert.True(new CirrusOptionsValidator(Registered.Collectors).Validate(null, options).Succeeded);

        d.Options(options.Collectors).Interval = TimeSpan.FromMilliseconds(10);
        var result = new CirrusOptionsValidator(Registered.Collectors).Validate(null, options);
        Assert.Contains($"Cirrus:Collectors:{d.Section}:Interval must be at least 00:00:01", result.Failures!);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void The_generated_docs_list_it_and_its_keys(string label)
    {
        var d = Get(label);
        var metricsDoc = Markdown.ReadDoc("docs/metrics.md");
        Assert.Contains(Markdown.Table(metricsDoc, "collector (`collector`, `endpoint` label)", "API call",
            "configuration section", "default interval", "families"),
            row => row[0].StartsWith($"`{label}`", StringComparison.Ordinal)
            && row[2] == $"`Cirrus:Collectors:{d.Section}`");
        var keys = Markdown.Table(Markdown.ReadDoc("docs/configuration.md"), "key", "type", "default", "meaning");
        Assert.Contains(keys, row => row[0] == $"`{d.Key("Enabled")}`" && row[3] == d.Purpose);
        Assert.Contains(keys, row => row[0] == $"`{d.Key("Interval")}`");
    }

    [Fact]
    public void Registration_adds_one_collector_per_descriptor()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cirrus:ApiToken"] = "t" });
        builder.AddCirrusExporter();
        using var app = builder.Build();
        var registered = app.Services.GetServices<ICollector>().Select(c => c.Descriptor).ToList();
        Assert.Equal(Registered.Collectors, registered);
        // What iterates the collectors takes them from the container.
        Assert.Equal(Registered.Collectors, app.Services.GetServices<CollectorDescriptor>());
        Assert.All(registered, d => Assert.Same(d, registered.Single(r => r.Label == d.Label)));
    }

    private static readonly Type[] ExporterTypes = typeof(ICollector).Assembly.GetTypes();

    [Fact]
    public void Every_collector_in_the_assembly_is_in_the_registry_and_registered_by_its_descriptor_alone()
    {
        var collectorTypes = ExporterTypes.Where(t => t.IsClass && !t.IsAbstract
            && typeof(ICollector).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(collectorTypes);
        foreach (var t in collectorTypes)
        {
            var descriptor = t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            Assert.True(descriptor is CollectorDescriptor, $"{t.Name} declares no static Descriptor");
            Assert.True(Registered.Collectors.Contains((CollectorDescriptor)descriptor),
                $"{t.Name} is not listed in CollectorRegistry (Hosting/CollectorRegistry.cs)");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cirrus:ApiToken"] = "t" });
        builder.AddCirrusExporter();
        using var app = builder.Build();
        // Resolving them resolves their call interfaces too; every Refit interface in the assembly is a registered
        // client.
        Assert.Equal(collectorTypes.Select(t => t.Name).Order(StringComparer.Ordinal),
            app.Services.GetServices<ICollector>().Select(c => c.GetType().Name).Order(StringComparer.Ordinal));
        var callInterfaces = ExporterTypes.Where(t => t.IsInterface
            && t.GetMethods().Any(m => m.GetCustomAttribute<Refit.HttpMethodAttribute>() is not null)).ToList();
        Assert.Equal(collectorTypes.Count, callInterfaces.Count);
        Assert.All(callInterfaces, api => Assert.NotNull(app.Services.GetService(api)));
        // Every collector options class is some descriptor's, so it is bound, validated, walked for docs and kept for
        // Native AOT.
        Assert.All(ExporterTypes.Where(t => t.IsSubclassOf(typeof(CollectorOptions))),
            t => Assert.Contains(t, Registered.Collectors.Select(d => d.OptionsBinding.Type)));
    }

    [Fact]
    public void Outside_the_collectors_folders_only_the_registry_names_a_collector_or_its_types()
    {
        // Anything else naming a collector would be one more place to edit when adding one. Slices may name each other.
        const string prefix = "CirrusExporter.Collectors.";
        var slices = ExporterTypes.Where(t => t.Namespace?.StartsWith(prefix, StringComparison.Ordinal) == true
            && !t.Name.Contains('<'))
            .GroupBy(t => t.Namespace![prefix.Length..])
            .ToDictionary(g => g.Key, g => new Regex(
                $@"\b(Collectors\.{g.Key}|{string.Join('|', g.Select(t => t.Name.Split('`')[0]))})\b"));
        Assert.Equal(Registered.Collectors.Count, slices.Count);

        var root = Path.Combine(Markdown.RepoRoot, "src", "CirrusExporter");
        var collectors = Path.Combine(root, "Collectors");
        var sep = Path.DirectorySeparatorChar;
        var offenders =
            from file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            where !file.Contains($"{sep}obj{sep}") && !file.Contains($"{sep}bin{sep}")
            where file != Path.Combine(root, "Hosting", "CollectorRegistry.cs")
                && !slices.ContainsKey(Path.GetRelativePath(collectors, Path.GetDirectoryName(file)!))
            let text = File.ReadAllText(file)
            from slice in slices
            where slice.Value.IsMatch(text)
            select $"{Path.GetRelativePath(root, file)} names {slice.Key}: {slice.Value.Match(text).Value}";
        Assert.Empty(offenders);
    }
}
