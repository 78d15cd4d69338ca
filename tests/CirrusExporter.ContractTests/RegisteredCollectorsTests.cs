using System.Text.Json;
using CirrusExporter.TestSupport;
using CirrusSimulator;

namespace CirrusExporter.ContractTests;

/// <summary>
/// Every registered collector, alone (beside the stream source) against the simulator, succeeds, serves each family its
/// descriptor declares, and calls the endpoint the simulator counts under its label, its requests counted under its
/// label.
/// </summary>
public sealed class RegisteredCollectorsTests
{
    public static TheoryData<string> Labels => new(Registered.Labels);

    [Theory]
    [MemberData(nameof(Labels))]
    public async Task Serves_every_family_it_declares(string label)
    {
        await using var simulator = SimulatorHost.Create(new SimulatorOptions { Token = TestExporter.Token },
            "http://127.0.0.1:0");
        await simulator.StartAsync();
        // The stream source stays on beside the collector under test: the others call the streams it lists.
        var settings = Settings.Only(label);
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        await using var exporter = TestExporter.Start(simulator.Urls.First(), settings);

        Assert.True(await exporter.RefreshAllAsync());
        var scrape = await exporter.ScrapeAsync();
        foreach (var metric in Registered.Collector(label).Metrics)
        {
            Assert.Contains($"# TYPE {metric.Name} {metric.Type}\n", scrape.Text);
            var sample = metric.Type == "histogram" ? metric.Name + "_count" : metric.Name;
            Assert.True(scrape.HasFamily(sample), $"{label} serves no {sample} sample");
        }
        Assert.Equal(1, scrape.Value("cirrus_collector_success", "collector", label));
        // Its requests count under its own endpoint label, whichever route they share with another collector.
        var requested = scrape.Samples.Where(s => s.Name == "cirrus_api_requests_total" && s.Value > 0)
            .Select(s => s.Labels["endpoint"]).Distinct();
        Assert.Equal(new[] { label, Registered.StreamSource.Label }.Distinct().Order(StringComparer.Ordinal),
            requested.Order(StringComparer.Ordinal));

        // The simulator counts calls under the collector labels: only the enabled collectors called.
        using var http = new HttpClient();
        var calls = JsonDocument.Parse(
            await http.GetStringAsync(new Uri(new Uri(simulator.Urls.First()), "/admin/calls"))).RootElement
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var uncounted = Registered.Labels.Where(l => !calls.ContainsKey(l));
        Assert.True(!uncounted.Any(),
            $"the simulator counts no calls under {string.Join(", ", uncounted)}: serve its route in "
                + "src/CirrusSimulator/Api/CirrusApi.cs and add it to CirrusEndpoint in Endpoints.cs, told apart by "
                + "its request if another collector calls the same route");
        Assert.Equal(Registered.Labels.Order(StringComparer.Ordinal), calls.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { label, Registered.StreamSource.Label }.Distinct().Order(StringComparer.Ordinal),
            calls.Where(c => c.Value > 0).Select(c => c.Key).Order(StringComparer.Ordinal));
    }
}
