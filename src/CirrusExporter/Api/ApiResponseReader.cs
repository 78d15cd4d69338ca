using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>
/// What every endpoint's response goes through before its collector's parser sees it: the status code,
/// a UTF-8 byte order mark, the JSON parse and the {status, data} envelope. The size limit is the HTTP
/// pipeline's (ResponseBodyHandler), which has already read the body into one buffer.
/// Failures throw <see cref="CirrusApiException"/> naming the endpoint, never a value.
/// </summary>
public sealed class ApiResponseReader
{
    // A repeated key ("c":12,"c":999) is ambiguous: the parser refuses it instead of letting the last one win.
    private static readonly JsonDocumentOptions DocumentOptions =
        new() { AllowTrailingCommas = true, MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads the envelope and hands its <c>data</c> to <paramref name="parse"/> while the document is alive.
    /// </summary>
    /// <param name="read">
    /// Optional: reads the whole body without a document when it has the usual shape, giving false otherwise
    /// (then the document path runs); whatever it reads must be what the document path would give.
    /// </param>
    public async Task<T> ReadDataAsync<T>(HttpResponseMessage response, string endpoint,
        Func<JsonElement, string, T> parse, CancellationToken ct, ReadBody<T>? read = null)
    {
        var body = await ReadBodyAsync(response, endpoint, ct);
        if (read is not null && read(body.Span, endpoint, out var result)) return result;
        using var doc = ParseEnvelope(body, endpoint, response.StatusCode);
        try
        {
            var data = TolerantJson.Property(doc.RootElement, "data")
                ?? throw new CirrusApiException(endpoint,
                    $"{endpoint}: envelope has no data (keys: {TolerantJson.Keys(doc.RootElement)})");
            return parse(data, endpoint);
        }
        catch (AmbiguousJsonException e)
        {
            throw new CirrusApiException(endpoint, $"{endpoint}: {e.Message}", response.StatusCode);
        }
    }

    public delegate bool ReadBody<T>(ReadOnlySpan<byte> body, string endpoint, [MaybeNullWhen(false)] out T result);

    /// <summary>
    /// Checks the status code and reads the body, without the byte order mark some servers put before JSON.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpResponseMessage response, string endpoint,
        CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var code = (int)response.StatusCode;
            var hint = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => "unauthorized",
                HttpStatusCode.Forbidden => "forbidden",
                HttpStatusCode.BadRequest => "bad request (the API may also answer 400 to a bad token)",
                HttpStatusCode.NotFound => "not found (check the stream id)",
                HttpStatusCode.TooManyRequests => "throttled",
                _ => response.ReasonPhrase ?? "error",
            };
            throw new CirrusApiException(endpoint, $"{endpoint}: HTTP {code} {hint}", response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        // The HTTP pipeline has already read the body into one buffer: parse it there, without a copy.
        var bytes = body is MemoryStream buffered && buffered.TryGetBuffer(out var segment)
            ? segment.AsMemory((int)buffered.Position)
            : await CopyAsync(body, ct);
        if (bytes.Span.StartsWith(Utf8ByteOrderMark)) bytes = bytes[Utf8ByteOrderMark.Length..];
        if (bytes.Length == 0)
        {
            throw new CirrusApiException(endpoint, $"{endpoint}: empty response body", response.StatusCode);
        }
        return bytes;
    }

    /// <summary>Parses the body and checks the envelope.</summary>
    private static JsonDocument ParseEnvelope(ReadOnlyMemory<byte> bytes, string endpoint, HttpStatusCode statusCode)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            var what = e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
                ? "ambiguous JSON (a key repeated in one object)"
                : "malformed JSON";
            throw new CirrusApiException(endpoint, $"{endpoint}: {what} ({bytes.Length} bytes): {e.Message}",
                statusCode);
        }
        try
        {
            _ = TolerantJson.Property(doc.RootElement, "status");
        }
        catch (AmbiguousJsonException e)
        {
            doc.Dispose();
            throw new CirrusApiException(endpoint, $"{endpoint}: {e.Message}", statusCode);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var error = TolerantJson.Shape(endpoint, "envelope", doc.RootElement);
            doc.Dispose();
            throw error;
        }
        if (TolerantJson.Property(doc.RootElement, "status") is { } status
            && (!TolerantJson.TryInteger(status, out var code2) || code2 is < 200 or > 299))
        {
            var error = new CirrusApiException(endpoint,
                $"{endpoint}: envelope status {status.GetRawText()} is not a success", statusCode);
            doc.Dispose();
            throw error;
        }
        return doc;
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static async Task<ReadOnlyMemory<byte>> CopyAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
