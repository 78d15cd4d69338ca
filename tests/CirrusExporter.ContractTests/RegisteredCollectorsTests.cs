using CirrusExporter.Collectors;
using CirrusExporter.TestSupport;
using CirrusSimulator;

namespace CirrusExporter.ContractTests;

/// <summary>Every registered collector, alone against the simulator, succeeds and serves each family its descriptor declares.</summary>
public sealed class RegisteredCollectorsTests
{
    public static TheoryData<string> Labels => new(CollectorRegistry.All.Select(d => d.Label));

    [Theory]
    [MemberData(nameof(Labels))]
    public async Task Serves_every_family_it_declares(string label)
    {
        await using var simulator = SimulatorHost.Create(new SimulatorOptions { Token = TestExporter.Token }, "http://127.0.0.1:0");
        await simulator.StartAsync();
        // The stream source stays on beside the collector under test: the others call the streams it lists.
        var settings = Settings.Only(label);
        settings.Remove(CollectorRegistry.StreamSource.Key("Enabled"));
        await using var exporter = TestExporter.Start(simulator.Urls.First(), settings);

        Assert.True(await exporter.RefreshAllAsync());
        var scrape = await exporter.ScrapeAsync();
        foreach (var metric in CollectorRegistry.ByLabel(label).Metrics)
        {
            Assert.Contains($"# TYPE {metric.Name} {metric.Type}\n", scrape.Text);
            Assert.True(scrape.HasFamily(metric.Name), $"{label} serves no {metric.Name} sample");
        }
        Assert.Equal(1, scrape.Value("cirrus_collector_success", "collector", label));
    }
}
