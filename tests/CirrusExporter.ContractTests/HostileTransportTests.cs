using System.Diagnostics;
using CirrusExporter.Http;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using static CirrusExporter.TestSupport.HostileUpstream;

namespace CirrusExporter.ContractTests;

/// <summary>
/// What a broken proxy, a vendor bug or a hostile server does below the JSON: bodies that trickle, break
/// off, never end or come from elsewhere, and upstream text built to forge log lines. Each case fails only
/// the collector, visibly and in words, within bounded time and memory.
/// </summary>
public sealed class HostileTransportTests : IAsyncDisposable
{
    private const string Path = "/stats/streams";
    private static readonly string Ok = Upstream.Envelope(
        """[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":6}]""");
    private readonly HostileUpstream _api = new();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static Dictionary<string, string?> StatsOnly(params (string Key, string Value)[] extra)
        => Settings.Only("stream_stats", extra);

    private static double? Requests(Exposition m, string code, string endpoint = "stream_stats") =>
        m.Value("cirrus_api_requests_total", "endpoint", endpoint, "code", code);

    private static double? Rejected(Exposition m, string reason, string endpoint = "stream_stats") =>
        m.Value("cirrus_api_responses_rejected_total", "endpoint", endpoint, "reason", reason);

    private static string Warning(TestExporter exporter, string contains)
    {
        var warnings = exporter.Logs.AtLeast(LogEventLevel.Warning);
        return warnings.FirstOrDefault(l => l.Contains(contains)) ?? throw new Xunit.Sdk.XunitException(
            $"no warning contains '{contains}'; warnings were:\n{string.Join("\n", warnings)}");
    }

    [Fact]
    public async Task A_body_trickled_at_one_byte_a_second_times_out_within_the_attempt_timeout_and_is_retried()
    {
        _api.On(Path, Trickle(Ok, TimeSpan.FromSeconds(1)));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly(
            ("Cirrus:Http:AttemptTimeout", "00:00:03"), ("Cirrus:Http:MaxRetries", "1"),
            ("Cirrus:Collectors:StreamStats:Timeout", "00:00:20")));

        var watch = Stopwatch.StartNew();
        Assert.False(await exporter.RefreshAsync("stream_stats"));
        watch.Stop();
        var metrics = await exporter.ScrapeAsync();

        // Two attempts of 3 s each, not one held until the 20 s deadline.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"took {watch.Elapsed}");
        Assert.Equal(2, _api.Calls(Path));
        Assert.Equal(2, Requests(metrics, "timeout"));
        Assert.Null(Requests(metrics, "200"));
        Assert.Equal(1, metrics.Value("cirrus_api_retries_total", "endpoint", "stream_stats"));
        Assert.Contains("every attempt timed out after 3 s (Cirrus:Http:AttemptTimeout), the last one while reading "
            + "the response body (", Warning(exporter, "timed out"));
        Assert.Contains("while reading the response body", await exporter.GetAsync("/"));
    }

    [Fact]
    public async Task A_connection_reset_mid_body_is_retried_and_counted_as_network_error()
    {
        _api.On(Path, ResetMidBody(Ok, 20), Json(Ok));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(2, _api.Calls(Path));
        Assert.Equal(1, Requests(metrics, "network_error"));
        Assert.Equal(1, Requests(metrics, "200"));
        Assert.Equal(6, metrics.Value("cirrus_stream_objects", "stream_id", "1"));
    }

    [Fact]
    public async Task A_connection_reset_mid_body_on_every_attempt_says_what_happened()
    {
        _api.On(Path, ResetMidBody(Ok, 20));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly(("Cirrus:Http:MaxRetries", "1")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(2, Requests(metrics, "network_error"));
        var expected = $"stream_stats: network error: connection reset by 127.0.0.1:{_api.Port} while reading the "
            + $"response body (20 of {Ok.Length} bytes received)";
        Assert.Contains(expected, Warning(exporter, "network error"));
        Assert.Contains(expected, await exporter.GetAsync("/"));
    }

    [Fact]
    public async Task A_redirect_to_another_origin_is_not_followed_and_names_the_target()
    {
        await using var elsewhere = new HostileUpstream();
        elsewhere.On(Path, Json(Ok));
        _api.On(Path, Redirect($"{elsewhere.Url}{Path}"));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(0, elsewhere.TotalCalls);
        Assert.Equal(1, _api.Calls(Path));
        Assert.Equal(1, Requests(metrics, "302"));
        Assert.Equal(1, Rejected(metrics, "redirect"));
        Assert.Equal(0, Rejected(metrics, "too_large"));
        Assert.Equal(0, Rejected(metrics, "redirect", "availability"));
        Assert.False(metrics.HasFamily("cirrus_stream_objects"));
        var warning = Warning(exporter, "redirect");
        Assert.Contains($"HTTP 302 redirecting to http://127.0.0.1:{elsewhere.Port}", warning);
        Assert.Contains("set Cirrus:BaseUrl", warning);
    }

    [Fact]
    public async Task An_oversized_chunked_body_is_cut_off_at_the_limit_and_not_retried()
    {
        _api.On(Path, Chunked(8L * 1024 * 1024));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly(("Cirrus:Http:MaxResponseBytes", "1048576")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(1, _api.Calls(Path));
        Assert.Equal(1, Rejected(metrics, "too_large"));
        Assert.Contains("larger than Cirrus:Http:MaxResponseBytes (1048576 bytes; more arrived)",
            Warning(exporter, "larger than"));
        Assert.Equal(0, exporter.Services.GetRequiredService<ResponseBodyBudget>().InUse);
    }

    [Fact]
    public async Task Parallel_bodies_share_one_process_wide_budget_and_those_over_it_are_refused()
    {
        // Four availability bodies of 120 KiB at once, each parked after 96 KiB (a 128 KiB buffer by then):
        // a 320 KiB budget holds two of them, so two or three are refused and the rest are parsed.
        long[] streams = [11, 12, 13, 14];
        var body = Upstream.Envelope("""{"state":1}""");
        foreach (var id in streams)
        {
            _api.On($"/streams/{id}/streamavailability", Chunked(120 * 1024, body, chunkBytes: 24 * 1024,
                holdAfterBytes: 96 * 1024, hold: TimeSpan.FromSeconds(5)));
        }
        var settings = Settings.Only("availability",
            ("Cirrus:DiscoverStreams", "false"), ("Cirrus:Http:MaxConcurrency", "4"), ("Cirrus:Http:MaxRetries", "0"),
            ("Cirrus:Http:AttemptTimeout", "00:00:30"),
            ("Cirrus:Http:MaxResponseBytes", "262144"), ("Cirrus:Http:MaxBufferedResponseBytes", "327680"));
        for (var i = 0; i < streams.Length; i++)
        {
            settings[$"Cirrus:Streams:{i}:Id"] = streams[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await using var exporter = TestExporter.Start(_api.Url, settings);

        Assert.False(await exporter.RefreshAsync("availability"));
        var metrics = await exporter.ScrapeAsync();

        var refused = Rejected(metrics, "memory_budget", "availability")!.Value;
        Assert.InRange(refused, 2, 3);
        Assert.Equal(4 - refused, metrics.Family("cirrus_stream_availability_state_code").Count);
        Assert.Contains($"{refused} stream call(s) failed, first: availability: response bodies being read at once "
            + "would exceed Cirrus:Http:MaxBufferedResponseBytes (327680 bytes)",
            Warning(exporter, "stream call(s) failed"));
        Assert.Equal(0, exporter.Services.GetRequiredService<ResponseBodyBudget>().InUse);
    }

    [Fact]
    public async Task Key_names_with_newlines_and_ansi_escapes_cannot_forge_a_log_line()
    {
        _api.On("/stats/streamsSLAExceptions",
            Json(Upstream.Envelope("""{"x\n2026-11-28T00:00:00.000Z ERR forged\u001b[31m":[],"\u202eevil":[]}""")));
        await using var exporter = TestExporter.Start(_api.Url, Settings.OnlyForStream11345("sla_exceptions"));

        Assert.False(await exporter.RefreshAsync("sla_exceptions"));

        var warning = Warning(exporter, "unrecognised SLA data");
        Assert.DoesNotContain('\n', warning.TrimEnd());
        Assert.DoesNotContain('\u001b', warning);
        Assert.DoesNotContain('\u202e', warning);
        Assert.Contains(@"x\n2026-11-28T00:00:00.000Z ERR forged\u001b[31m", warning);
        var page = await exporter.GetAsync("/");
        Assert.DoesNotContain('\u001b', page);
        Assert.Contains(@"ERR forged\u001b[31m", page);
    }

    [Fact]
    public async Task A_five_megabyte_status_string_is_cut_in_logs_and_on_the_landing_page()
    {
        _api.On(Path, Json($$"""{"status":"{{new string('A', 5_400_000)}}","data":[]}"""));
        await using var exporter = TestExporter.Start(_api.Url, StatsOnly());

        Assert.False(await exporter.RefreshAsync("stream_stats"));

        var warning = Warning(exporter, "envelope status");
        Assert.True(warning.Length < 1000, $"warning of {warning.Length} characters");
        Assert.Contains("characters in all]", warning);
        var page = await exporter.GetAsync("/");
        Assert.True(page.Length < 10_000, $"landing page of {page.Length} characters");
        Assert.True(exporter.Logs.Lines.Sum(l => l.Length) < 20_000);
    }

    [Fact]
    public async Task An_https_base_url_on_a_plain_http_port_is_reported_as_a_failed_tls_handshake()
    {
        await using var exporter = TestExporter.Start($"https://127.0.0.1:{_api.Port}",
            StatsOnly(("Cirrus:Http:MaxRetries", "0")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));

        Assert.Contains($"stream_stats: network error: TLS handshake with 127.0.0.1:{_api.Port} failed",
            Warning(exporter, "TLS"));
    }

    [Fact]
    public async Task A_refused_connection_is_named_with_its_address_in_the_log_and_on_the_landing_page()
    {
        var port = _api.Port;
        await _api.DisposeAsync();
        await using var exporter = TestExporter.Start($"http://127.0.0.1:{port}",
            StatsOnly(("Cirrus:Http:MaxRetries", "0")));

        Assert.False(await exporter.RefreshAsync("stream_stats"));

        var expected = $"stream_stats: network error: connection refused by 127.0.0.1:{port}";
        Assert.Contains(expected, Warning(exporter, "network error"));
        Assert.Contains(expected, await exporter.GetAsync("/"));
    }
}
