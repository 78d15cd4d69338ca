using System.Diagnostics;
using CirrusExporter.Configuration;
using CirrusExporter.TestSupport;
using Serilog.Events;

namespace CirrusExporter.ContractTests;

/// <summary>How the exporter survives whatever the API does: status codes, slowness, broken bodies.</summary>
public sealed class ResilienceContractTests : IDisposable
{
    private const string Path = "/stats/streams";
    private static readonly string Ok = Upstream.Envelope(
        """[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":6}]""");
    private readonly Upstream _api = new();

    private static Dictionary<string, string?> StatsOnly(params (string Key, string Value)[] extra)
        => Settings.Only("stream_stats", extra);

    public void Dispose() => _api.Dispose();

    private static void AssertLogged(TestExporter exporter, Func<string, bool> match)
    {
        var warnings = exporter.Logs.AtLeast(LogEventLevel.Warning);
        Assert.True(warnings.Any(match), "warnings were:\n" + string.Join("\n", warnings));
    }

    private static double? Requests(Exposition m, string code)
        => m.Value("cirrus_api_requests_total", "endpoint", "stream_stats", "code", code);

    [Fact]
    public async Task An_API_that_is_down_is_one_warning_for_its_cause_not_one_per_collector_and_refresh()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        } // closed: nothing listens there
        await using var exporter = TestExporter.Start($"http://127.0.0.1:{port}", new Dictionary<string, string?>
        {
            ["Cirrus:Streams:0:Id"] = "1",
            ["Cirrus:Streams:1:Id"] = "2",
            ["Cirrus:Http:MaxRetries"] = "0",
        });

        Assert.False(await exporter.RefreshAllAsync());
        Assert.False(await exporter.RefreshAllAsync());

        var failures = exporter.Logs.Events.Where(
            e => e.MessageTemplate.Text.StartsWith("Collector {Collector} failed", StringComparison.Ordinal)).ToList();
        // Each collector on by default fails, two refreshes each.
        var enabled = Registered.Collectors.Count(d => d.Options(new CollectorsOptions()).Enabled);
        Assert.Equal(2 * enabled, failures.Count);
        var warning = Assert.Single(failures, e => e.Level == LogEventLevel.Warning);
        Assert.Contains($"network error: connection refused by 127.0.0.1:{port}", warning.RenderMessage());
        Assert.All(failures.Where(e => e != warning), e => Assert.Equal(LogEventLevel.Debug, e.Level));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_rejected_token_is_not_retried_and_is_logged_once_per_cycle(int status)
    {
        _api.Json(Path,
            $$"""{"status":{{status}},"description":"Unauthorized","response_time":"2026-11-27T09:15:02.258Z"}""",
            status);
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(1, _api.Calls(Path));
        Assert.Equal(1, Requests(metrics, status.ToString()));
        Assert.Null(metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
        Assert.Single(exporter.Logs.AtLeast(LogEventLevel.Warning), l => l.Contains("API token rejected"));
        Assert.False(metrics.HasFamily("cirrus_stream_objects"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Client_errors_are_not_retried(int status)
    {
        _api.Json(Path, "{}", status);
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        Assert.Equal(1, _api.Calls(Path));
        AssertLogged(exporter, l => l.Contains($"HTTP {status}"));
    }

    [Fact]
    public async Task Too_many_requests_with_retry_after_seconds_waits_that_long_then_succeeds()
    {
        _api.Sequence(Path, r => r.WithStatusCode(429).WithHeader("Retry-After", "1")
            .WithBody(Upstream.Sample("error-429.json")), r => r.WithBody(Ok));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        var watch = Stopwatch.StartNew();
        Assert.True(await exporter.RefreshAsync("stream_stats"));
        watch.Stop();
        var metrics = await exporter.ScrapeAsync();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950),
            $"retried after {watch.Elapsed}, before Retry-After");
        Assert.Equal(1, Requests(metrics, "429"));
        Assert.Equal(1, Requests(metrics, "200"));
        Assert.Equal(1, metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
        Assert.Equal(6, metrics.Value("cirrus_stream_objects", "stream_id", "1"));
    }

    [Fact]
    public async Task Too_many_requests_with_retry_after_date_is_honoured()
    {
        var date = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r");
        _api.Sequence(Path, r => r.WithStatusCode(429).WithHeader("Retry-After", date), r => r.WithBody(Ok));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        var watch = Stopwatch.StartNew();
        Assert.True(await exporter.RefreshAsync("stream_stats"));
        // The HTTP date has one-second resolution, so at least one second is left of the two.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}");
        Assert.Equal(2, _api.Calls(Path));
    }

    [Fact]
    public async Task Too_many_requests_without_retry_after_backs_off_and_retries()
    {
        _api.Sequence(Path, r => r.WithStatusCode(429), r => r.WithStatusCode(429), r => r.WithBody(Ok));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(2, Requests(metrics, "429"));
        Assert.Equal(2, metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
    }

    [Fact]
    public async Task A_burst_of_server_errors_is_retried_through()
    {
        _api.Sequence(Path, r => r.WithStatusCode(500), r => r.WithStatusCode(503), r => r.WithStatusCode(502),
            r => r.WithBody(Ok));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(1, Requests(metrics, "500"));
        Assert.Equal(1, Requests(metrics, "503"));
        Assert.Equal(1, Requests(metrics, "502"));
        Assert.Equal(1, metrics.Value("cirrus_collector_success", "collector", "stream_stats"));
    }

    [Fact]
    public async Task Persistent_server_errors_fail_after_the_configured_retries_and_keep_the_last_good_data()
    {
        _api.Sequence(Path, r => r.WithBody(Ok), r => r.WithStatusCode(500));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly(("Cirrus:Http:MaxRetries", "2")));

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(4, _api.Calls(Path));
        Assert.Equal(3, Requests(metrics, "500"));
        Assert.Equal(0, metrics.Value("cirrus_collector_success", "collector", "stream_stats"));
        // Still fresh: the last good values stay until MaxDataAge, and cirrus_up stays 1.
        Assert.Equal(6, metrics.Value("cirrus_stream_objects", "stream_id", "1"));
        Assert.Equal(1, metrics.Value("cirrus_up"));
        AssertLogged(exporter, l => l.Contains("HTTP 500") && l.Contains("2 retries"));
    }

    [Fact]
    public async Task A_response_slower_than_the_attempt_timeout_counts_as_timeout_and_is_retried()
    {
        _api.Respond(Path, r => r.WithBody(Ok).WithDelay(TimeSpan.FromSeconds(3)));
        await using var exporter = TestExporter.Start(_api.Url,
            StatsOnly(("Cirrus:Http:AttemptTimeout", "00:00:00.200"), ("Cirrus:Http:MaxRetries", "1")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(2, Requests(metrics, "timeout"));
        Assert.Equal(1, metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
        AssertLogged(exporter, l => l.Contains("timed out"));
    }

    [Fact]
    public async Task Retries_stop_at_the_collector_deadline()
    {
        _api.Respond(Path, r => r.WithStatusCode(429).WithHeader("Retry-After", "30"));
        await using var exporter = TestExporter.Start(_api.Url,
            StatsOnly(("Cirrus:Collectors:StreamStats:Timeout", "00:00:01")));

        var watch = Stopwatch.StartNew();
        Assert.False(await exporter.RefreshAsync("stream_stats"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(1, _api.Calls(Path));
        // The deadline cut the wait short, but the cause is the throttling, and the line says so.
        AssertLogged(exporter, l => l.Contains("deadline")
            && l.Contains("throttled: the API answered HTTP 429 to 1 attempt(s)"));
    }

    [Fact]
    public async Task An_open_circuit_stops_calls_to_a_dead_api()
    {
        _api.Respond(Path, r => r.WithStatusCode(500));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly(
            ("Cirrus:Http:MaxRetries", "0"), ("Cirrus:Http:CircuitMinimumThroughput", "3"),
            ("Cirrus:Http:CircuitBreakDuration", "00:01:00")));

        for (var i = 0; i < 3; i++) Assert.False(await exporter.RefreshAsync("stream_stats"));
        Assert.False(await exporter.RefreshAsync("stream_stats"));
        Assert.False(await exporter.RefreshAsync("stream_stats"));

        Assert.Equal(3, _api.Calls(Path));
        AssertLogged(exporter, l => l.Contains("circuit open"));
    }

    [Fact]
    public async Task Every_collectors_calls_share_one_circuit()
    {
        const string sla = "/stats/streamsSLAExceptions";
        _api.Respond(Path, r => r.WithStatusCode(500));
        _api.Json(sla, Upstream.Envelope("""{"Item1":[],"Item2":[]}"""));
        await using var exporter = TestExporter.Start(_api.Url,
            StatsOnly(("Cirrus:Collectors:SlaExceptions:Enabled", "true"),
            ("Cirrus:Http:MaxRetries", "0"), ("Cirrus:Http:CircuitMinimumThroughput", "3"),
            ("Cirrus:Http:CircuitBreakDuration", "00:01:00")));

        for (var i = 0; i < 3; i++) Assert.False(await exporter.RefreshAsync("stream_stats"));
        // Opened by another collector's endpoint, the circuit stops this one's calls too: one pipeline for all.
        Assert.False(await exporter.RefreshAsync("sla_exceptions"));

        Assert.Equal(0, _api.Calls(sla));
    }

    [Theory]
    [InlineData("""{"status":200,"data":[{"moduleId":9,""", "malformed JSON")]
    [InlineData("""{"status":200,"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":3}""", "malformed JSON")]
    [InlineData("<html>gateway</html>", "malformed JSON")]
    [InlineData("", "empty response body")]
    [InlineData("[]", "unrecognised envelope")]
    [InlineData("""{"status":"500","description":"Internal Server Error","data":[]}""", "envelope status")]
    [InlineData("""{"status":200,"description":"Operation successful"}""", "no data")]
    public async Task Broken_bodies_fail_the_collector_without_publishing_anything(string body, string reason)
    {
        _api.Json(Path, body);
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.False(metrics.HasFamily("cirrus_stream_objects"));
        Assert.Equal(0, metrics.Value("cirrus_up"));
        AssertLogged(exporter, l => l.Contains(reason));
        Assert.Equal(1, _api.Calls(Path));
    }

    [Fact]
    public async Task A_ten_megabyte_body_is_parsed_within_the_limit_and_rejected_above_it()
    {
        var rows = string.Join(",", Enumerable.Range(1, 90_000)
            .Select(i => $$"""{"moduleId":9,"streamId":{{i}},"subStreamId":0,"statusId":1,"c":{{i % 7}}}"""));
        var body = Upstream.Envelope($"[{rows}]");
        Assert.True(body.Length > 5_000_000);
        _api.Json(Path, body + new string(' ', 10_000_000 - body.Length));

        await using (var exporter = TestExporter.Start(_api.Url, StatsOnly(("Cirrus:MaxStreams", "90000"))))
        {
            Assert.True(await exporter.RefreshAsync("stream_stats"));
            var metrics = await exporter.ScrapeAsync();
            Assert.Equal(90_000, metrics.Family("cirrus_stream_objects").Count);
            Assert.Equal(6, metrics.Value("cirrus_stream_objects", "stream_id", "89998"));
        }

        await using (var exporter = TestExporter.Start(_api.Url,
            StatsOnly(("Cirrus:Http:MaxResponseBytes", "1048576"))))
        {
            Assert.False(await exporter.RefreshAsync("stream_stats"));
            AssertLogged(exporter, l => l.Contains("larger than Cirrus:Http:MaxResponseBytes"));
        }
    }

    [Fact]
    public async Task A_refused_connection_counts_as_network_error()
    {
        var deadPort = _api.Url;
        _api.Server.Stop();
        await using var exporter = TestExporter.Start(deadPort, StatsOnly(("Cirrus:Http:MaxRetries", "1")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();
        Assert.Equal(2, Requests(metrics, "network_error"));
        Assert.Equal(1, metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
        AssertLogged(exporter, l => l.Contains("network error"));
    }
}
