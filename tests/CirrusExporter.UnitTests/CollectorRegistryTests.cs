using System.Reflection;
using CirrusExporter.Collectors;
using CirrusExporter.Configuration;
using CirrusExporter.Hosting;
using CirrusExporter.Metrics;
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
    public static TheoryData<string> Labels => new(CollectorRegistry.All.Select(d => d.Label));

    private static CollectorDescriptor Get(string label) => CollectorRegistry.ByLabel(label);

    [Fact]
    public void Labels_and_sections_are_unique_and_exactly_one_collector_supplies_the_streams()
    {
        Assert.Equal(CollectorRegistry.All.Count, CollectorRegistry.All.Select(d => d.Label).Distinct().Count());
        Assert.Equal(CollectorRegistry.All.Count, CollectorRegistry.All.Select(d => d.Section).Distinct().Count());
        Assert.Single(CollectorRegistry.All, d => d.Role == CollectorRole.StreamSource);
    }

    [Fact]
    public void Every_collectors_section_is_a_descriptor_and_every_descriptor_a_section()
    {
        var sections = typeof(CollectorsOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(sections, CollectorRegistry.All.Select(d => d.Section).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Options_select_the_section_the_descriptor_names(string label)
    {
        var d = Get(label);
        var collectors = new CollectorsOptions();
        Assert.Same(typeof(CollectorsOptions).GetProperty(d.Section)!.GetValue(collectors), d.Options(collectors));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Its_metrics_are_in_the_catalogue_and_name_it(string label)
    {
        var d = Get(label);
        Assert.NotEmpty(d.Metrics);
        Assert.All(d.Metrics, m => Assert.Contains(m, MetricCatalogue.All));
        Assert.All(d.Metrics, m => Assert.Equal(label, m.Collector));
        Assert.Equal(d.Metrics, MetricCatalogue.All.Where(m => m.Collector == label));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Validation_checks_its_interval_and_passes_its_defaults(string label)
    {
        var d = Get(label);
        var options = new CirrusOptions { ApiToken = "t" };
        d.Options(options.Collectors).Enabled = true; // some are off by default
        Assert.Empty(d.Validate(options));
        Assert.True(new CirrusOptionsValidator().Validate(null, options).Succeeded);

        d.Options(options.Collectors).Interval = TimeSpan.FromMilliseconds(10);
        var result = new CirrusOptionsValidator().Validate(null, options);
        Assert.Contains($"Cirrus:Collectors:{d.Section}:Interval must be at least 00:00:01", result.Failures!);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void The_generated_docs_list_it_and_its_keys(string label)
    {
        var d = Get(label);
        var metricsDoc = Markdown.ReadDoc("docs/metrics.md");
        Assert.Contains(Markdown.Table(metricsDoc, "collector (`collector`, `endpoint` label)", "API call", "configuration section", "default interval", "families"),
            row => row[0].StartsWith($"`{label}`", StringComparison.Ordinal) && row[2] == $"`Cirrus:Collectors:{d.Section}`");
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
        Assert.Equal(CollectorRegistry.All, registered);
        Assert.All(registered, d => Assert.Same(d, registered.Single(r => r.Label == d.Label)));
    }

    [Theory]
    [InlineData("/streams/7/streamavailability", "availability")]
    [InlineData("/streams/7/substreams/2/streamavailability", "availability")]
    [InlineData("/stats/streams", "stream_stats")]
    [InlineData("/stats/streamsSLAExceptions", "sla_exceptions")]
    [InlineData("/streams/7/objects", "objects")]
    [InlineData("/elsewhere", "other")]
    public void Request_paths_map_to_their_endpoint_label(string path, string label)
    {
        Assert.Equal(label, CollectorRegistry.EndpointOf(path));
    }
}
