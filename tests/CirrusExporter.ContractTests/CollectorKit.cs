using System.Text.Json;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using CirrusSimulator;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The tests every collector needs, given its data: a collector's test class derives from this and declares its
/// descriptor, the route it calls for stream 11345 (configured, discovery off), an answer of the API and the series
/// that answer becomes. It then gets its parsing, fault, retry and simulator tests, each failure naming what is
/// missing.
/// </summary>
public abstract class CollectorKit : IDisposable
{
    protected Upstream Api { get; } = new();

    /// <summary>The collector under test.</summary>
    protected abstract CollectorDescriptor Collector { get; }

    /// <summary>The path it calls, for stream 11345 where it calls per stream.</summary>
    protected abstract string Path { get; }

    /// <summary>A whole API answer (the envelope), e.g. from <see cref="Upstream.Sample"/>.</summary>
    protected abstract string Answer { get; }

    /// <summary>
    /// What <see cref="Answer"/> becomes: family name, then each series' labels (without tenant, sorted) and value.
    /// </summary>
    protected abstract IReadOnlyDictionary<string, Dictionary<string, double>> Expected { get; }

    /// <summary>Settings with only this collector on and stream 11345 configured.</summary>
    protected virtual Dictionary<string, string?> Settings()
        => ContractTests.Settings.OnlyForStream11345(Collector.Label);

    public void Dispose()
    {
        Api.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Its_answer_becomes_the_declared_series()
    {
        Assert.True(Expected.Count > 0, $"{GetType().Name} declares no expected series");
        Api.Json(Path, Answer);
        await using var exporter = TestExporter.Start(Api.Url, Settings());

        Assert.True(await exporter.RefreshAsync(Collector.Label),
            $"{Collector.Label} failed on its answer; log:\n{string.Join("\n", exporter.Logs.Lines)}");
        var metrics = await exporter.ScrapeAsync();
        foreach (var (family, series) in Expected)
        {
            Assert.True(metrics.Family(family).Count > 0, $"{Collector.Label} serves no {family} series from "
                + $"{Path}: its data's Render writes none, or {GetType().Name}.Expected names another family");
            Assert.Equal(series, metrics.Family(family));
        }
        Assert.Equal(1, metrics.Value("cirrus_api_requests_total", "endpoint", Collector.Label, "code", "200"));
    }

    [Fact]
    public async Task Data_of_another_shape_fails_only_this_collector_and_publishes_none_of_its_series()
    {
        Api.Json(Path, Upstream.Envelope("\"not the documented shape\""));
        await using var exporter = TestExporter.Start(Api.Url, Settings());

        Assert.False(await exporter.RefreshAsync(Collector.Label),
            $"{Collector.Label} accepted a string where the API sends rows");
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", Collector.Label));
        var published = Collector.Metrics.Where(m => metrics.Family(m.Name).Count > 0
            || metrics.Family(m.Name + "_count").Count > 0).Select(m => m.Name);
        Assert.True(!published.Any(),
            $"{Collector.Label} published {string.Join(", ", published)} from data it could not read");
    }

    [Fact]
    public async Task A_server_error_is_retried_and_counted_under_its_label()
    {
        Api.Sequence(Path, r => r.WithStatusCode(503),
            r => r.WithHeader("Content-Type", "application/json").WithBody(Answer));
        await using var exporter = TestExporter.Start(Api.Url, Settings());

        Assert.True(await exporter.RefreshAsync(Collector.Label), $"{Collector.Label} did not recover from one 503");
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(1, metrics.Value("cirrus_api_requests_total", "endpoint", Collector.Label, "code", "503"));
        Assert.Equal(1, metrics.Value("cirrus_api_retries_total", "endpoint", Collector.Label));
    }

    [Fact]
    public async Task The_simulator_serves_it_and_counts_its_calls_under_its_label()
    {
        await using var simulator = SimulatorHost.Create(new SimulatorOptions { Token = TestExporter.Token },
            "http://127.0.0.1:0");
        await simulator.StartAsync();
        var settings = ContractTests.Settings.Only(Collector.Label);
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        await using var exporter = TestExporter.Start(simulator.Urls.First(), settings);

        Assert.True(await exporter.RefreshAllAsync(),
            $"{Collector.Label} failed against the simulator: serve its route in src/CirrusSimulator/Api/CirrusApi.cs "
            + "(a new route) or add it to CirrusEndpoint in src/CirrusSimulator/Api/Endpoints.cs; log:\n"
            + string.Join("\n", exporter.Logs.Lines));
        using var http = new HttpClient();
        var calls = JsonDocument.Parse(
            await http.GetStringAsync(new Uri(new Uri(simulator.Urls.First()), "/admin/calls"))).RootElement;
        Assert.True(calls.TryGetProperty(Collector.Label, out var count),
            $"the simulator counts no calls under {Collector.Label}: add it to CirrusEndpoint in "
            + "src/CirrusSimulator/Api/Endpoints.cs (on a route another collector calls: that endpoint as its Route "
            + "and what tells its request apart as Asks)");
        Assert.True(count.GetInt64() > 0, $"the simulator counts {Collector.Label}'s calls under another collector: "
            + "its Asks in src/CirrusSimulator/Api/Endpoints.cs does not match its request, or its request is the "
            + "same as another collector's, which cannot be told apart (CONTRIBUTING.md, Adding a collector, step 2)");
    }
}
