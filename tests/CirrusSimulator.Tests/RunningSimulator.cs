using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace CirrusSimulator.Tests;

/// <summary>A simulator on a free loopback port, driven by a fake clock.</summary>
internal sealed class RunningSimulator : IAsyncDisposable
{
    /// <summary>A Wednesday, mid-morning peak.</summary>
    public static readonly DateTimeOffset Wednesday10 = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    private RunningSimulator(WebApplication app, FakeTimeProvider time, SimulatorOptions options)
    {
        _app = app;
        Time = time;
        Options = options;
        var baseAddress = new Uri(app.Urls.Single());
        Api = new HttpClient { BaseAddress = baseAddress };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        Anonymous = new HttpClient { BaseAddress = baseAddress };
    }

    public FakeTimeProvider Time { get; }
    public SimulatorOptions Options { get; }

    /// <summary>Sends the configured bearer token.</summary>
    public HttpClient Api { get; }

    /// <summary>Sends no token (admin calls, auth tests).</summary>
    public HttpClient Anonymous { get; }

    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, DateTimeOffset? start = null)
    {
        var time = new FakeTimeProvider(start ?? Wednesday10);
        var app = SimulatorHost.Create(options, "http://127.0.0.1:0", time);
        await app.StartAsync();
        return new RunningSimulator(app, time, options);
    }

    /// <summary>GETs an API path and returns the parsed body, asserting the HTTP status.</summary>
    public async Task<JsonElement> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode,
            $"GET {path}: expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> DataAsync(string path) => (await GetAsync(path)).GetProperty("data");

    public async Task<JsonElement> AdminAsync(HttpMethod method, string path,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Anonymous.SendAsync(new HttpRequestMessage(method, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode,
            $"{method} {path}: expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every object of a stream created up to now, walking the pages until a short one.</summary>
    public async Task<List<JsonElement>> AllObjectsAsync(long streamId, string? status = null, int pageSize = 100,
        long subStream = 0)
    {
        var end = Time.GetUtcNow().AddDays(1).ToUnixTimeSeconds();
        var all = new List<JsonElement>();
        for (var page = 0; ; page++)
        {
            var path = $"/streams/{streamId}/objects?unixStartTime=0&unixEndTime={end}&pageNumber={page}&"
                + $"pageSize={pageSize}&subStream={subStream}"
                + (status is null ? "" : $"&status={status}");
            var items = (await DataAsync(path)).EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count < pageSize)
            {
                return all;
            }
        }
    }

    /// <summary>Moves the fake clock and makes one call so the simulation catches up.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await DataAsync("/stats/streams");
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Small tenants with known behaviour for the tests.</summary>
internal static class TestTenants
{
    public const long OverloadedChat = 100;
    public const long WhatsApp = 200;
    public const long InactiveMail = 300;
    public const long WeekendVoice = 400;
    public const long BotChat = 500;
    public const long ManualOnlySms = 600;

    public static SimulatorOptions Options(int seed = 7) => new()
    {
        Seed = seed,
        Token = "test-token",
        Streams =
        [
            // Far more arrivals than its four slots can take: a growing backlog that breaches its SLA.
            new() { Id = OverloadedChat, ModuleId = ModuleIds.Chat, BusinessHours = "24/7", Agents = 2,
                AgentCapacity = 2,
                    ArrivalsPerHour = 60, HandleTimeSeconds = 600, SlaSeconds = 300 },
            new() { Id = WhatsApp, ModuleId = ModuleIds.WhatsApp, SubStreams = [1, 2],
                BusinessHours = "Mon-Fri 08:00-18:00",
                    Agents = 6, AgentCapacity = 4, ArrivalsPerHour = 20, OutboundPerHour = 10, HandleTimeSeconds = 600,
                    SlaSeconds = 600 },
            new() { Id = InactiveMail, ModuleId = ModuleIds.Mailbox, Active = false },
            new() { Id = WeekendVoice, ModuleId = ModuleIds.Voice, BusinessHours = "Sat-Sun 10:00-12:00", Agents = 2,
                AgentCapacity = 1,
                    ArrivalsPerHour = 10, HandleTimeSeconds = 300, SlaSeconds = 60 },
            new() { Id = BotChat, ModuleId = ModuleIds.Chat, BusinessHours = "24/7", Agents = 1, AgentCapacity = 1,
                    ArrivalsPerHour = 60, HandleTimeSeconds = 900, SlaSeconds = 120, BotEnabled = true },
            // Agents without auto-assignment only.
            new() { Id = ManualOnlySms, ModuleId = ModuleIds.Sms, BusinessHours = "24/7", Agents = 3, AgentCapacity = 5,
                    AutoAssignAgents = 0, ArrivalsPerHour = 1, HandleTimeSeconds = 300, SlaSeconds = 900 },
        ],
    };
}
