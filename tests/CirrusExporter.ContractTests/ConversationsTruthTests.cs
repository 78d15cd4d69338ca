using System.Text.Json;
using CirrusExporter.TestSupport;
using CirrusSimulator;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The conversations collector against the simulator with a fixed seed and one shared fake clock: after an hour
/// of one-minute refreshes, the exported counts equal the simulation's own count of conversations created, first
/// answered and closed since the first window's start.
/// </summary>
public sealed class ConversationsTruthTests
{
    [Fact]
    public async Task Exported_counts_equal_the_simulations_truth_over_an_hour()
    {
        // a Wednesday, open hours
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        await using var simulator = SimulatorHost.Create(new SimulatorOptions { Token = TestExporter.Token, Seed = 7 },
            "http://127.0.0.1:0", time);
        await simulator.StartAsync();
        var settings = Settings.Only("conversations");
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        await using var exporter = TestExporter.Start(simulator.Urls.First(), settings, time);

        var since = time.GetUtcNow() - TimeSpan.FromMinutes(2); // the first window reaches one overlap back
        Assert.True(await exporter.RefreshAllAsync());
        for (var minute = 0; minute < 60; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.True(await exporter.RefreshAllAsync());
        }

        var scrape = await exporter.ScrapeAsync();
        using var http = new HttpClient();
        var truth = JsonDocument.Parse(await http.GetStringAsync(new Uri(new Uri(simulator.Urls.First()),
            $"/admin/conversations?since={since.ToUnixTimeSeconds()}"))).RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("streamId").GetInt64().ToString(), s => s);
        var streams = scrape.Samples.Where(s => s.Name == "cirrus_stream_conversations_total")
            .Select(s => s.Labels["stream_id"]).ToList();
        Assert.NotEmpty(streams);
        Assert.True(streams.Sum(id => truth[id].GetProperty("firstResponses").GetInt32()) > 20,
            "the hour should hold real traffic");
        foreach (var id in streams)
        {
            Assert.Equal(truth[id].GetProperty("created").GetInt32(),
                scrape.Value("cirrus_stream_conversations_total", "stream_id", id));
            Assert.Equal(truth[id].GetProperty("firstResponses").GetInt32(),
                scrape.Value("cirrus_stream_first_response_seconds_count", "stream_id", id));
            Assert.Equal(truth[id].GetProperty("closures").GetInt32(),
                scrape.Value("cirrus_stream_resolution_seconds_count", "stream_id", id));
        }
    }
}
