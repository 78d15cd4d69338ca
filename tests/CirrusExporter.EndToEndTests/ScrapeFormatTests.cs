using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace CirrusExporter.EndToEndTests;

/// <summary>
/// What /metrics sends a real client: gzip or not, text 0.0.4 or OpenMetrics 1.0, and that real parsers
/// read it: promtool (Debian package prometheus) and Debian's python3-prometheus-client text and
/// OpenMetrics parsers.
/// </summary>
public sealed class ScrapeFormatTests
{
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private static async Task<(HttpResponseMessage Response, string Body)> ScrapeAsync(ExporterProcess exporter,
        string? accept, bool gzip, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, "/metrics");
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (gzip) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await exporter.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            using var decoded = new MemoryStream();
            await new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress).CopyToAsync(decoded);
            bytes = decoded.ToArray();
        }
        return (response, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The exposition up to the live self-metrics, which change between any two scrapes.</summary>
    private static string CachedFamilies(string body)
        => body[..body.IndexOf("# HELP cirrus_up ", StringComparison.Ordinal)];

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, string input)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    /// <summary>Parses with Debian's prometheus_client and prints the number of samples read.</summary>
    private static async Task<int> PythonSampleCountAsync(string parserModule, string body)
    {
        var script = $"import sys; from {parserModule} import text_string_to_metric_families as p; "
            + "print(sum(len(f.samples) for f in p(sys.stdin.read())))";
        var (code, output) = await RunAsync("/usr/bin/python3", $"-c \"{script}\"", body);
        Assert.True(code == 0, $"{parserModule} rejected the exposition:\n{output}");
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int SampleLines(string body) => body.Split('\n').Count(l => l.Length > 0 && l[0] != '#');

    [Fact]
    public async Task Gzip_and_plain_scrapes_decode_to_the_same_exposition_that_promtool_and_the_python_text_parser_read()
    {
        await using var exporter = ExporterProcess.Start("--demo", "--Cirrus:Collectors:Availability:Interval=01:00:00",
            "--Cirrus:Collectors:StreamStats:Interval=01:00:00",
            "--Cirrus:Collectors:SlaExceptions:Interval=01:00:00", "--Cirrus:Collectors:Objects:Interval=01:00:00",
            "--Cirrus:MaxDataAge=02:00:00");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var (plainResponse, plain) = await ScrapeAsync(exporter, accept: null, gzip: false);
        var (gzipResponse, gzipped) = await ScrapeAsync(exporter, accept: null, gzip: true);

        Assert.Empty(plainResponse.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gzipResponse.Content.Headers.ContentEncoding);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", gzipResponse.Content.Headers.ContentType!.ToString());
        Assert.Contains("cirrus_stream_objects{", plain);
        Assert.Equal(CachedFamilies(plain), CachedFamilies(gzipped));
        Assert.Equal(plain.Split('\n').Where(l => l.StartsWith('#')),
            gzipped.Split('\n').Where(l => l.StartsWith('#')));
        Assert.DoesNotContain("# EOF", gzipped);
        // One gzip stream, not concatenated members: curl --compressed reads only the first member of those.
        var (curl, curled) = await RunAsync("curl", $"-sS --compressed http://127.0.0.1:{exporter.Port}/metrics", "");
        Assert.True(curl == 0, curled);
        Assert.Equal(CachedFamilies(plain), CachedFamilies(curled));

        var (promtool, output) = await RunAsync("promtool", "check metrics", gzipped);
        Assert.DoesNotContain("parsing error", output);
        // 1 = lint findings in the DotNetStats-named runtime families; PromtoolLintTests lints ours
        Assert.True(promtool is 0 or 1, output);
        Assert.Equal(SampleLines(gzipped), await PythonSampleCountAsync("prometheus_client.parser", gzipped));
    }

    [Fact]
    public async Task OpenMetrics_is_served_when_asked_for_and_read_by_the_python_OpenMetrics_parser()
    {
        await using var exporter = ExporterProcess.Start("--demo");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var (response, body) = await ScrapeAsync(exporter, PrometheusAccept, gzip: true);

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8",
            response.Content.Headers.ContentType!.ToString());
        Assert.EndsWith("\n# EOF\n", body);
        Assert.Equal(1, body.Split('\n').Count(l => l == "# EOF"));
        Assert.Contains("# UNIT cirrus_stream_oldest_open_object_age_seconds seconds\n", body);
        // OpenMetrics names a counter family without _total and its samples with it.
        Assert.Contains("# TYPE cirrus_api_requests counter\n", body);
        Assert.Contains("\ncirrus_api_requests_total{", body);
        Assert.Equal(SampleLines(body), await PythonSampleCountAsync("prometheus_client.openmetrics.parser", body));

        var (_, text) = await ScrapeAsync(exporter, "text/plain;version=0.0.4", gzip: false);
        Assert.DoesNotContain("# EOF", text);
        Assert.Contains("# TYPE cirrus_api_requests_total counter\n", text);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/")]
    public async Task HEAD_answers_like_GET_without_a_body(string path)
    {
        await using var exporter = ExporterProcess.Start("--demo");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));

        using var get = await exporter.Http.GetAsync(path);
        using var head = await exporter.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(200, (int)get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        if (path == "/metrics")
        {
            Assert.True(head.Content.Headers.ContentLength > 1000,
                $"Content-Length {head.Content.Headers.ContentLength}");
        }
    }
}
