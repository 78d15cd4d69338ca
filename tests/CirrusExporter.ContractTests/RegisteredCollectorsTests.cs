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
    private const string Endpoints = "src/CirrusSimulator/Api/Endpoints.cs";

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

        Assert.True(await exporter.RefreshAllAsync(), $"{label} failed against the simulator: serve its route in "
            + $"src/CirrusSimulator/Api/CirrusApi.cs (a new route) or add it to CirrusEndpoint in {Endpoints}; log:\n"
            + string.Join("\n", exporter.Logs.Lines));
        var scrape = await exporter.ScrapeAsync();
        foreach (var metric in Registered.Collector(label).Metrics)
        {
            Assert.True(scrape.Text.Contains($"# TYPE {metric.Name} {metric.Type}\n", StringComparison.Ordinal),
                $"{label} declares {metric.Name} ({metric.Type}) but its data renders no such family: write it in its "
                + "data's Render");
            var sample = metric.Type == "histogram" ? metric.Name + "_count" : metric.Name;
            Assert.True(scrape.HasFamily(sample),
                $"{label} serves no {sample} sample against the simulator: the simulated tenant has none of its data");
        }
        Assert.Equal(1, scrape.Value("cirrus_collector_success", "collector", label));
        // Its requests count under its own endpoint label, whichever route they share with another collector.
        var expected = new[] { label, Registered.StreamSource.Label }.Distinct().Order(StringComparer.Ordinal).ToList();
        var requested = scrape.Samples.Where(s => s.Name == "cirrus_api_requests_total" && s.Value > 0)
            .Select(s => s.Labels["endpoint"]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(requested),
            $"with {string.Join(" and ", expected)} on, requests counted under {string.Join(", ", requested)}: a "
            + "collector's calls go through its descriptor's Registers<TCollector, TApi>() call interface only");

        // The simulator counts calls under the collector labels: only the enabled collectors called.
        using var http = new HttpClient();
        var calls = JsonDocument.Parse(
            await http.GetStringAsync(new Uri(new Uri(simulator.Urls.First()), "/admin/calls"))).RootElement
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var uncounted = Registered.Labels.Where(l => !calls.ContainsKey(l));
        Assert.True(!uncounted.Any(),
            $"the simulator counts no calls under {string.Join(", ", uncounted)}: add it to CirrusEndpoint in "
            + $"{Endpoints} (on a route another collector calls: that endpoint as its Route and what tells its request "
            + "apart as Asks), and serve a new route in src/CirrusSimulator/Api/CirrusApi.cs");
        var unknown = calls.Keys.Except(Registered.Labels);
        Assert.True(!unknown.Any(), $"the simulator counts calls under {string.Join(", ", unknown)}, which no "
            + $"registered collector has as its label: rename or remove it in CirrusEndpoint in {Endpoints}");
        var called = calls.Where(c => c.Value > 0).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(called),
            $"with {string.Join(" and ", expected)} on, the simulator counted calls under {string.Join(", ", called)}: "
            + $"a collector's requests must be told apart from every other's by CirrusEndpoint.Of in {Endpoints} "
            + "(its Route and Asks); two collectors sending the same request cannot be");
    }
}
