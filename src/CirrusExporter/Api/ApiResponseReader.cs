using System.Buffers;
using System.Net;
using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>
/// What every endpoint's response goes through before its collector's parser sees it: the status code,
/// the size limit (read through one pooled buffer), the JSON parse and the {status, data} envelope.
/// Failures throw <see cref="CirrusApiException"/> naming the endpoint, never a value.
/// </summary>
public sealed class ApiResponseReader(long maxResponseBytes)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, MaxDepth = 64 };

    /// <summary>Reads the envelope and hands its <c>data</c> to <paramref name="parse"/> while the document is alive.</summary>
    public async Task<T> ReadDataAsync<T>(HttpResponseMessage response, string endpoint, Func<JsonElement, string, T> parse, CancellationToken ct)
    {
        using var doc = await ReadEnvelopeAsync(response, endpoint, ct);
        var data = TolerantJson.Property(doc.RootElement, "data")
            ?? throw new CirrusApiException(endpoint, $"{endpoint}: envelope has no data (keys: {TolerantJson.Keys(doc.RootElement)})");
        return parse(data, endpoint);
    }

    /// <summary>Checks the status code and the envelope, and parses the body within the size limit.</summary>
    private async Task<JsonDocument> ReadEnvelopeAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
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

        if (response.Content.Headers.ContentLength > maxResponseBytes)
            throw TooLarge(endpoint);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        // Pooled: a fresh copy buffer per call made every availability call allocate 80 KB.
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxResponseBytes) throw TooLarge(endpoint);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        if (buffer.Length == 0) throw new CirrusApiException(endpoint, $"{endpoint}: empty response body", response.StatusCode);

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new CirrusApiException(endpoint, $"{endpoint}: malformed JSON ({buffer.Length} bytes): {e.Message}", response.StatusCode);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var error = TolerantJson.Shape(endpoint, "envelope", doc.RootElement);
            doc.Dispose();
            throw error;
        }
        if (TolerantJson.Property(doc.RootElement, "status") is { } status && (!TolerantJson.TryInteger(status, out var code2) || code2 is < 200 or > 299))
        {
            var error = new CirrusApiException(endpoint, $"{endpoint}: envelope status {status.GetRawText()} is not a success", response.StatusCode);
            doc.Dispose();
            throw error;
        }
        return doc;
    }

    private CirrusApiException TooLarge(string endpoint) =>
        new(endpoint, $"{endpoint}: response larger than Cirrus:Http:MaxResponseBytes ({maxResponseBytes} bytes)");
}
