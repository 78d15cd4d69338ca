using System.Text.RegularExpressions;
using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.TestSupport;

namespace CirrusExporter.UnitTests;

public sealed partial class MetricCatalogueTests
{
    private static readonly IReadOnlyList<MetricDefinition> All =
        MetricCatalogue.All(Registered.Collectors.SelectMany(d => d.Metrics));

    public static TheoryData<string> Names => new(All.Select(m => m.Name));

    private static MetricDefinition Get(string name) => All.Single(m => m.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Names_and_labels_follow_the_prometheus_rules(string name)
    {
        var metric = Get(name);
        Assert.Matches(MetricName(), metric.Name);
        // The exporter's own families, plus the one standard process metric the dashboards rely on.
        Assert.True(metric.Name.StartsWith("cirrus_", StringComparison.Ordinal)
            || metric.Name == "process_resident_memory_bytes", metric.Name);
        Assert.Contains(metric.Type, new[] { "gauge", "counter", "histogram" });
        Assert.Equal(metric.Type == "counter", metric.Name.EndsWith("_total", StringComparison.Ordinal));
        Assert.DoesNotMatch(ReservedSuffix(), metric.Name);
        Assert.DoesNotMatch(NonBaseUnit(), metric.Name);
        Assert.All(metric.Labels, label =>
        {
            Assert.Matches(LabelName(), label);
            Assert.False(label.StartsWith("__", StringComparison.Ordinal), label);
            Assert.NotEqual("le", label);
            Assert.NotEqual("quantile", label);
        });
        Assert.Equal(metric.Labels.Length, metric.Labels.Distinct().Count());
    }

    [Fact]
    public void Durations_and_times_are_in_seconds()
    {
        Assert.All(All.Where(m => m.Name.Contains("duration") || m.Name.Contains("age")
                || m.Name.Contains("timestamp")),
            m => Assert.EndsWith("_seconds", m.Name));
    }

    [Fact]
    public void Names_are_unique_and_every_collector_is_a_known_endpoint()
    {
        Assert.Equal(All.Count, All.Select(m => m.Name).Distinct().Count());
        Assert.All(All.Where(m => m.Collector is not null), m => Assert.Contains(m.Collector, Registered.Labels));
        Assert.Equal(Registered.Labels.Order(), All.Select(m => m.Collector).OfType<string>().Distinct().Order());
    }

    [Fact]
    public void Help_of_cached_families_mentions_the_source_and_the_configured_interval()
    {
        var collectors = new CollectorsOptions();
        collectors.StreamStats().Interval = TimeSpan.FromSeconds(45);
        collectors.Availability().Interval = TimeSpan.FromMilliseconds(1500);

        Assert.Equal("Conversations (objects) in the stream, by status. Source: GET /stats/streams field c. "
                + "Refreshed every 45 s.",
            MetricCatalogue.Help(StreamStatsMetrics.Objects, IntervalOf(collectors)));
        Assert.EndsWith("Refreshed every 1.5 s.",
            MetricCatalogue.Help(AvailabilityMetrics.StateCode, IntervalOf(collectors)));
        Assert.EndsWith("Refreshed every 30 s.",
            MetricCatalogue.Help(SlaExceptionsMetrics.Critical, IntervalOf(collectors)));
        Assert.EndsWith("Refreshed every 60 s.",
            MetricCatalogue.Help(ObjectsMetrics.OldestOpenAge, IntervalOf(collectors)));
    }

    [Fact]
    public void Help_of_every_cached_family_and_only_those_says_how_often_it_is_refreshed()
    {
        var collectors = new CollectorsOptions();
        foreach (var metric in All)
        {
            Assert.True(metric.Collector is not null
                == MetricCatalogue.Help(metric, IntervalOf(collectors)).Contains("Refreshed every"), metric.Name);
        }
    }

    [Fact]
    public void Help_of_exporter_families_is_the_description_and_info_names_its_source()
    {
        var collectors = new CollectorsOptions();
        Assert.Equal(MetricCatalogue.Up.Description, MetricCatalogue.Help(MetricCatalogue.Up, IntervalOf(collectors)));
        Assert.Equal(
            "Always 1; carries the stream's configured name (the id when none) and its module. Source: Cirrus:Streams "
                + "names and modules seen in GET /stats/streams.",
            MetricCatalogue.Help(MetricCatalogue.StreamInfo, IntervalOf(collectors)));
    }

    /// <summary>The configured interval of a collector, by its label, as HELP names it.</summary>
    private static Func<string, TimeSpan?> IntervalOf(CollectorsOptions collectors) =>
        label => Registered.Collector(label).Options(collectors).Interval;

    [GeneratedRegex("^[a-z_:][a-z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex ReservedSuffix();

    [GeneratedRegex("_(milliseconds|ms|minutes|hours|days|kilobytes|megabytes|percent)(_|$)")]
    private static partial Regex NonBaseUnit();
}
