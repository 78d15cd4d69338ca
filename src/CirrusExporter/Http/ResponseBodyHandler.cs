using System.Buffers;
using System.Net;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Http;

/// <summary>
/// Per attempt, innermost: reads the whole body of a successful response inside the attempt, so the
/// attempt timeout covers headers and body alike and a body that trickles or breaks off is a retryable
/// timeout or network error of that attempt. The buffer is bounded per response
/// (Cirrus:Http:MaxResponseBytes, on the decoded bytes: the one place that limit is enforced) and across the
/// process (<see cref="ResponseBodyBudget"/>); redirects
/// are refused, since data from another origin must never pass for the API's. Transport failures are
/// rewritten here, where the host is known, into words.
/// </summary>
public sealed class ResponseBodyHandler(IOptions<CirrusOptions> options, ResponseBodyBudget budget) : DelegatingHandler
{
    private const int FirstBufferBytes = 16 * 1024;

    /// <summary>
    /// The exporter's own pool, not the shared one: the shared pool keeps an array of each size per thread,
    /// so bodies read on one thread and returned on another leave a large buffer on every thread the calls
    /// run on. This one keeps at most as many of each size as were in use at once, up to 16.
    /// </summary>
    private static readonly ArrayPool<byte> Bodies =
        ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 16);

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = ApiEndpoint.Of(request);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(e.HttpRequestError,
                $"{endpoint}: {TransportFailure.Describe(e, request.RequestUri)}", e);
        }

        try
        {
            if ((int)response.StatusCode is >= 300 and < 400) throw Redirected(endpoint, request.RequestUri, response);
            if (response.IsSuccessStatusCode)
            {
                var original = response.Content;
                response.Content = await BufferAsync(original, endpoint, request.RequestUri, response.StatusCode,
                    cancellationToken);
                original.Dispose();
            }
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static ResponseRejectedException Redirected(string endpoint, Uri? requestUri, HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        var target = location is null ? null
            : requestUri is not null && !location.IsAbsoluteUri ? new Uri(requestUri, location)
            : location;
        var where = target is { IsAbsoluteUri: true }
            ? $"to {target.Scheme}://{target.Authority}"
            : "without a usable Location";
        return new ResponseRejectedException(ResponseRejectedException.Redirect, response.StatusCode,
            $"{endpoint}: the API answered HTTP {(int)response.StatusCode} redirecting {where}; redirects are not "
            + "followed, so the token and the data stay with Cirrus:BaseUrl: set Cirrus:BaseUrl to the API's real "
            + "address",
            retryable: false);
    }

    /// <summary>
    /// Reads the body into one pooled buffer, grown by doubling, reserving each growth from the
    /// budget before renting it. Pooled because a large tenant's bodies are megabytes read every refresh: fresh
    /// arrays of that size live on the large-object heap, which only a full collection reclaims. The budget
    /// counts the bytes asked for; the pool may hand out up to twice that, and keeps arrays for reuse.
    /// </summary>
    private async Task<HttpContent> BufferAsync(
        HttpContent content, string endpoint, Uri? requestUri, HttpStatusCode status, CancellationToken ct)
    {
        var max = options.Value.Http.MaxResponseBytes;
        // A compressed body declares no length here: the primary handler decodes it and drops the wire length.
        var declared = content.Headers.ContentLength;
        if (declared > max) throw TooLarge(endpoint, status, max, $"declared {declared} bytes");

        var capacity = Reserve(declared is { } d ? (int)d : (int)Math.Min(FirstBufferBytes, max), endpoint, status);
        var buffer = Bodies.Rent(capacity);
        var length = 0;
        try
        {
            await using var body = await content.ReadAsStreamAsync(ct);
            while (true)
            {
                if (length == capacity)
                {
                    if (length == max)
                    {
                        // Full at the cap: one more byte means too large.
                        if (await body.ReadAsync(new byte[1], ct) > 0)
                            throw TooLarge(endpoint, status, max, "more arrived");
                        break;
                    }
                    // Only the growth is reserved: the old buffer goes back to the pool once copied, so a body of
                    // the full MaxResponseBytes fits a budget of the same size.
                    var size = (int)Math.Min(max, Math.Max(FirstBufferBytes, 2L * capacity));
                    Reserve(size - capacity, endpoint, status);
                    var larger = Bodies.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Bodies.Return(buffer);
                    (buffer, capacity) = (larger, size);
                }
                var read = await body.ReadAsync(buffer.AsMemory(length, capacity - length), ct);
                if (read == 0) break;
                length += read;
            }
        }
        catch (Exception e) when (ct.IsCancellationRequested
            && e is OperationCanceledException or IOException or HttpRequestException)
        {
            Return(buffer, capacity);
            throw new ResponseBodyTimeoutException(length, declared, e, ct);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            Return(buffer, capacity);
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                $"{endpoint}: {TransportFailure.DescribeBodyFailure(e, requestUri, length, declared)}", e);
        }
        catch
        {
            Return(buffer, capacity);
            throw;
        }
        return new BufferedBody(buffer, capacity, length, budget, content.Headers);
    }

    private void Return(byte[] buffer, int reserved)
    {
        Bodies.Return(buffer);
        budget.Release(reserved);
    }

    private int Reserve(int bytes, string endpoint, HttpStatusCode status)
    {
        if (!budget.TryReserve(bytes))
        {
            throw new ResponseRejectedException(ResponseRejectedException.MemoryBudget, status,
                $"{endpoint}: response bodies being read at once would exceed Cirrus:Http:MaxBufferedResponseBytes "
                + $"({budget.Capacity} bytes) with this one",
                retryable: true);
        }
        return bytes;
    }

    private static ResponseRejectedException TooLarge(
        string endpoint, HttpStatusCode status, long max, string detail) =>
        new(ResponseRejectedException.TooLarge, status,
            $"{endpoint}: response larger than Cirrus:Http:MaxResponseBytes ({max} bytes; {detail})", retryable: false);

    /// <summary>
    /// The read body; its buffer goes back to the pool, and its share of the budget is returned, when the response is
    /// disposed.
    /// </summary>
    private sealed class BufferedBody : HttpContent
    {
        private readonly int _reserved;
        private readonly int _length;
        private byte[]? _buffer;
        private ResponseBodyBudget? _budget;

        public BufferedBody(byte[] buffer, int reserved, int length, ResponseBodyBudget budget,
            System.Net.Http.Headers.HttpContentHeaders headers)
        {
            (_buffer, _reserved, _length, _budget) = (buffer, reserved, length, budget);
            foreach (var header in headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
            Headers.ContentLength = length;
        }

        private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(BufferedBody));

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Buffer, 0, _length);

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
            new MemoryStream(Buffer, 0, _length, writable: false, publiclyVisible: true);

        protected override Task<Stream> CreateContentReadStreamAsync() =>
            Task.FromResult(CreateContentReadStream(default));

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer) Bodies.Return(buffer);
            Interlocked.Exchange(ref _budget, null)?.Release(_reserved);
            base.Dispose(disposing);
        }
    }
}
