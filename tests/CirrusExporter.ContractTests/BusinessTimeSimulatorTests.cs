using System.Net.Http.Headers;
using System.Text.Json;
using CirrusExporter.TestSupport;
using CirrusSimulator;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The simulated tenant's support mailbox (stream 11350, open Mon-Fri 08:00-18:00 UTC) through a night and a morning,
/// with the exporter polling every 2 minutes on one shared fake clock: the e-mails that arrive while it is closed wait
/// in the queue, age only in open hours, and are answered after 08:00 with waits the wall clock puts at hours.
/// </summary>
public sealed class BusinessTimeSimulatorTests
{
    private const string Mailbox = "11350";
    // a Tuesday, an hour before closing
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Opening = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_overnight_mailbox_backlog_waits_visibly_and_its_first_responses_count_open_hours_only()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = SimulatorHost.Create(new SimulatorOptions { Token = TestExporter.Token, Seed = 7 },
            "http://127.0.0.1:0", time);
        await simulator.StartAsync();
        var settings = Settings.Only("conversations");
        settings.Remove(Registered.StreamSource.Key("Enabled"));
        settings.Remove(Registered.Collector("availability").Key("Enabled"));
        await using var exporter = TestExporter.Start(simulator.Urls.First(), settings, time);
        string[] awaiting = ["stream_id", Mailbox, "sub_stream_id", "0", "module", "mailbox_connector"];

        Exposition? beforeOpening = null;
        while (time.GetUtcNow() < Opening.AddHours(2))
        {
            Assert.True(await exporter.RefreshAllAsync());
            if (time.GetUtcNow() == Opening.AddMinutes(-30)) beforeOpening = await exporter.ScrapeAsync();
            time.Advance(TimeSpan.FromMinutes(2));
        }
        var after = await exporter.ScrapeAsync();

        // 07:30: e-mails that came in overnight wait, and none of the closed night counts as waiting.
        Assert.True(beforeOpening!.Value("cirrus_stream_conversations_awaiting_first_response", awaiting) > 0,
            "the night should leave e-mails waiting");
        Assert.Equal(0,
            beforeOpening.Value("cirrus_stream_oldest_awaiting_first_response_age_seconds", "stream_id", Mailbox));

        // The API's own times: e-mails created in the closed night and first answered after opening, hours later.
        var answeredAfterOpening = (await ObjectsAsync(simulator.Urls.First(), Opening.AddHours(-14), Opening))
            .Where(o => o.GetProperty("firstResponseTime").ValueKind == JsonValueKind.String)
            .Select(o => o.GetProperty("firstResponseTime").GetDateTimeOffset()
                - o.GetProperty("createdTime").GetDateTimeOffset())
            .ToList();
        Assert.Contains(answeredAfterOpening, wait => wait > TimeSpan.FromHours(8));

        // Exported: every first response within 2 h of open time, none at the wall clock's hours, so all within the 4 h
        // target.
        string[] stream = ["stream_id", Mailbox];
        var count = after.Value("cirrus_stream_first_response_seconds_count", stream);
        Assert.True(count >= answeredAfterOpening.Count,
            $"{count} first responses exported, {answeredAfterOpening.Count} overnight e-mails answered");
        Assert.Equal(count, after.Value("cirrus_stream_first_response_seconds_bucket", [.. stream, "le", "7200"]));
        Assert.Equal(count, after.Value("cirrus_stream_conversations_first_responded_within_target_total", stream));
    }

    /// <summary>The mailbox's conversations created in [from, to], as the API lists them.</summary>
    private static async Task<List<JsonElement>> ObjectsAsync(string baseUrl, DateTimeOffset from, DateTimeOffset to)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestExporter.Token);
        var all = new List<JsonElement>();
        for (var page = 0; ; page++)
        {
            var body = JsonDocument.Parse(await http.GetStringAsync(
                $"/streams/{Mailbox}/objects?unixStartTime={from.ToUnixTimeSeconds()}&"
                + $"unixEndTime={to.ToUnixTimeSeconds()}&order=createdtime&sort=asc&pageNumber={page}&pageSize=100"));
            var items = body.RootElement.GetProperty("data").EnumerateArray().Select(e => e.Clone()).ToList();
            all.AddRange(items);
            if (items.Count < 100) return all;
        }
    }
}
