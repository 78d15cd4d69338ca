using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Web;

/// <summary>
/// Serves /metrics within bounds: at most Web:MaxConcurrentScrapes at once (others get 503 at once, as
/// promhttp's MaxRequestsInFlight does), each within Web:ScrapeTimeout, written in slices so that a slow
/// reader holds back only one slice of Kestrel's buffer while the body stays the snapshot's shared buffers.
/// Each slice must be taken at Web:MinResponseBytesPerSecond or faster (after a grace): Kestrel's own
/// minimum rate is averaged over the whole response, so the megabytes the kernel's socket buffers take at
/// once would let a stalled reader keep its slot for minutes.
/// </summary>
public sealed class MetricsServer(MetricsWriter writer, IOptions<WebOptions> options, ILogger<MetricsServer> logger)
{
    private const int SliceBytes = 64 * 1024;

    /// <summary>The shortest time a slice may take, as Kestrel's grace period for its minimum data rate.</summary>
    private static readonly TimeSpan SliceGrace = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _sliceLimit = options.Value.MinResponseBytesPerSecond > 0
        ? TimeSpan.FromSeconds(
            Math.Max(SliceGrace.TotalSeconds, (double)SliceBytes / options.Value.MinResponseBytesPerSecond))
        : Timeout.InfiniteTimeSpan;

    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentScrapes);

    public async Task ServeAsync(HttpContext http)
    {
        var response = http.Response;
        if (!_slots.Wait(0))
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(
                $"too many concurrent scrapes (Web:MaxConcurrentScrapes is {options.Value.MaxConcurrentScrapes})\n");
            return;
        }
        try
        {
            // Two timers of our own beside the client's abort: when a write is cancelled Kestrel aborts the
            // connection at once, so only the timers' own state says which limit cut the scrape off.
            using var timeout = new CancellationTokenSource(options.Value.ScrapeTimeout);
            using var slow = new CancellationTokenSource();
            using var any =
                CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, slow.Token, http.RequestAborted);
            var openMetrics = ContentNegotiation.WantsOpenMetrics(http.Request.Headers.Accept);
            var gzip = ContentNegotiation.AcceptsGzip(http.Request.Headers.AcceptEncoding);
            using var body = await writer.PrepareAsync(openMetrics, gzip, any.Token);

            response.ContentType = openMetrics ? MetricsWriter.OpenMetricsContentType : MetricsWriter.ContentType;
            if (gzip) response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept, Accept-Encoding";
            response.ContentLength = body.Length;
            if (HttpMethods.IsHead(http.Request.Method)) return;

            try
            {
                foreach (var segment in body.Segments)
                {
                    for (var offset = 0; offset < segment.Length; offset += SliceBytes)
                    {
                        slow.CancelAfter(_sliceLimit);
                        await response.Body.WriteAsync(
                            segment.Slice(offset, Math.Min(SliceBytes, segment.Length - offset)), any.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested || slow.IsCancellationRequested)
            {
                if (timeout.IsCancellationRequested)
                {
                    logger.LogWarning(
                        "Scrape from {Client} not read within Web:ScrapeTimeout ({Timeout}); connection closed",
                        http.Connection.RemoteIpAddress, options.Value.ScrapeTimeout);
                }
                else
                {
                    logger.LogWarning(
                        "Scrape from {Client} read slower than Web:MinResponseBytesPerSecond ({Rate}); "
                            + "connection closed",
                        http.Connection.RemoteIpAddress, options.Value.MinResponseBytesPerSecond);
                }
                http.Abort();
            }
        }
        finally
        {
            _slots.Release();
        }
    }
}
