using CirrusExporter.Collectors;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;
using Xunit;

namespace CirrusExporter.TestSupport;

/// <summary>
/// The exporter in process (TestServer) pointed at a fake upstream. Without <c>background</c> the
/// scheduler is removed and tests drive refreshes themselves. On dispose it checks that the token
/// appeared in no log line, exception or page the test produced.
/// </summary>
public sealed class TestExporter : IAsyncDisposable
{
    /// <summary>Recognisable, so any leak into output is caught.</summary>
    public const string Token = "tok-SECRET-5f9e2c71d0";

    private readonly Factory _factory;
    private readonly List<string> _bodies = [];

    private TestExporter(Dictionary<string, string?> settings, TimeProvider? time, bool background)
    {
        _factory = new Factory(settings, time, background, Logs);
        Http = _factory.CreateClient();
    }

    public HttpClient Http { get; }

    public LogCapture Logs { get; } = new();

    public IServiceProvider Services => _factory.Services;

    public static TestExporter Start(string baseUrl, IDictionary<string, string?>? settings = null,
        TimeProvider? time = null, bool background = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["Cirrus:BaseUrl"] = baseUrl,
            ["Cirrus:ApiToken"] = Token,
            ["Cirrus:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Cirrus:Http:AttemptTimeout"] = "00:00:05",
            ["Cirrus:Http:RateLimitPerSecond"] = "0",
            ["Log:Level"] = "Debug",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        return new TestExporter(all, time, background);
    }

    public Task<bool> RefreshAsync(string collector) =>
        Services.GetRequiredService<CollectorRunner>().RefreshAsync(collector, CancellationToken.None);

    public Task<bool> RefreshAllAsync() =>
        Services.GetRequiredService<CollectorRunner>().RefreshAllOnceAsync(CancellationToken.None);

    public async Task<Exposition> ScrapeAsync()
    {
        var body = await GetAsync("/metrics");
        return Exposition.Parse(body);
    }

    /// <summary>
    /// Scrapes every 25 ms (real time) until the scrape satisfies the condition, at most <paramref name="attempts"/>
    /// times: background refreshes run on their own tasks.
    /// </summary>
    public async Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> condition, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var metrics = await ScrapeAsync();
            if (condition(metrics)) return metrics;
            await Task.Delay(25);
        }
        throw new TimeoutException("condition not reached; last scrape:\n" + (await ScrapeAsync()).Text);
    }

    public async Task<string> GetAsync(string path)
    {
        var body = await Http.GetStringAsync(path);
        lock (_bodies) _bodies.Add(body);
        return body;
    }

    public async Task<(int Status, string Body)> GetWithStatusAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        lock (_bodies) _bodies.Add(body);
        return ((int)response.StatusCode, body);
    }

    public async ValueTask DisposeAsync()
    {
        var landing = await GetAsync("/");
        Http.Dispose();
        await _factory.DisposeAsync();
        foreach (var line in Logs.Lines) Assert.DoesNotContain(Token, line);
        lock (_bodies)
            foreach (var body in _bodies.Append(landing)) Assert.DoesNotContain(Token, body);
    }

    private sealed class Factory(Dictionary<string, string?> settings, TimeProvider? time, bool background,
        LogCapture logs) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureTestServices(services =>
            {
                if (!background)
                {
                    services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService)
                        && d.ImplementationType == typeof(CollectorScheduler)));
                }
                if (time is not null) services.AddSingleton(time);
                services.AddSingleton<ILogEventSink>(logs);
            });
        }
    }
}
