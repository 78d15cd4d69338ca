using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CirrusExporter.Configuration;

namespace CirrusExporter.Api;

/// <summary>
/// Turns raw API responses into wire records, accepting every shape cirrus-api.md documents or calls
/// ambiguous: status as number or string, any property casing, numbers as strings, timestamps with or
/// without Z. Anything else throws <see cref="CirrusApiException"/> naming the shape, so a collector
/// fails rather than publishing guesses.
/// </summary>
public sealed class CirrusResponseReader(long maxResponseBytes, SlaItem1 slaItem1)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, MaxDepth = 64 };

    public async Task<IReadOnlyList<StatRow>> ReadStatRowsAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
    {
        using var doc = await ReadEnvelopeAsync(response, endpoint, ct);
        var data = Data(doc, endpoint);
        if (data.ValueKind != JsonValueKind.Array) throw Shape(endpoint, "data", data);
        return StatRows(data, endpoint);
    }

    public async Task<SlaLists> ReadSlaListsAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
    {
        using var doc = await ReadEnvelopeAsync(response, endpoint, ct);
        var data = Data(doc, endpoint);
        var (item1, item2) = SlaPair(data, endpoint);
        var first = item1 is { } a ? StatRows(a, endpoint) : [];
        var second = item2 is { } b ? StatRows(b, endpoint) : [];
        return slaItem1 == SlaItem1.Breaches ? new SlaLists(first, second) : new SlaLists(second, first);
    }

    public async Task<int> ReadAvailabilityStateAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
    {
        using var doc = await ReadEnvelopeAsync(response, endpoint, ct);
        var data = Data(doc, endpoint);
        var stateElement = data.ValueKind == JsonValueKind.Object ? Property(data, "state") : data;
        if (stateElement is not { } s || !TryInteger(s, out var state) || state is < 0 or > 3)
            throw Shape(endpoint, "data (expected a state 0..3 as a number or {state})", data);
        return (int)state;
    }

    public async Task<IReadOnlyList<StreamObject>> ReadStreamObjectsAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
    {
        using var doc = await ReadEnvelopeAsync(response, endpoint, ct);
        var data = Data(doc, endpoint);
        if (data.ValueKind != JsonValueKind.Array) throw Shape(endpoint, "data", data);
        var items = new List<StreamObject>(data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw Shape(endpoint, "data item", item);
            var created = Property(item, "createdTime");
            if (created is not { ValueKind: JsonValueKind.String } c || !TryTimestamp(c.GetString()!, out var createdTime))
                throw Shape(endpoint, "data item createdTime", created ?? item);
            items.Add(new StreamObject(OptionalInteger(item, "objectId", endpoint), Int32(OptionalInteger(item, "statusId", endpoint), item, endpoint), createdTime));
        }
        return items;
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
            var error = Shape(endpoint, "envelope", doc.RootElement);
            doc.Dispose();
            throw error;
        }
        if (Property(doc.RootElement, "status") is { } status && (!TryInteger(status, out var code2) || code2 is < 200 or > 299))
        {
            var error = new CirrusApiException(endpoint, $"{endpoint}: envelope status {status.GetRawText()} is not a success", response.StatusCode);
            doc.Dispose();
            throw error;
        }
        return doc;
    }

    private CirrusApiException TooLarge(string endpoint) =>
        new(endpoint, $"{endpoint}: response larger than Cirrus:Http:MaxResponseBytes ({maxResponseBytes} bytes)");

    private static JsonElement Data(JsonDocument doc, string endpoint) =>
        Property(doc.RootElement, "data") ?? throw new CirrusApiException(endpoint, $"{endpoint}: envelope has no data (keys: {Keys(doc.RootElement)})");

    /// <summary>Finds the (Item1, Item2) lists in any of the four documented SLA shapes.</summary>
    private static (JsonElement? Item1, JsonElement? Item2) SlaPair(JsonElement data, string endpoint)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var item1 = Property(data, "Item1") ?? Property(data, "Exceptions");
                    var item2 = Property(data, "Item2") ?? Property(data, "SlaCritical");
                    if (item1 is { } a && item2 is { } b && IsListOrNull(a) && IsListOrNull(b)) return (a, b);
                    break;
                }
            case JsonValueKind.Array:
                {
                    var elements = data.EnumerateArray().ToList();
                    if (elements.Count == 0) return (null, null);
                    if (elements.Count == 2 && elements.All(IsListOrNull)) return (elements[0], elements[1]);
                    if (elements.All(e => e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Count() == 1))
                    {
                        JsonElement? item1 = null, item2 = null;
                        foreach (var e in elements)
                        {
                            var p = e.EnumerateObject().First();
                            if (!IsListOrNull(p.Value)) { item1 = item2 = null; break; }
                            if (p.Name.Equals("Item1", StringComparison.OrdinalIgnoreCase) || p.Name.Equals("Exceptions", StringComparison.OrdinalIgnoreCase)) item1 = p.Value;
                            else if (p.Name.Equals("Item2", StringComparison.OrdinalIgnoreCase) || p.Name.Equals("SlaCritical", StringComparison.OrdinalIgnoreCase)) item2 = p.Value;
                            else { item1 = item2 = null; break; }
                        }
                        if (item1 is not null || item2 is not null) return (item1, item2);
                    }
                    break;
                }
        }
        throw Shape(endpoint, "SLA data (expected {Item1,Item2}, {Exceptions,SlaCritical}, [{Item1},{Item2}] or [[...],[...]])", data);
    }

    private static bool IsListOrNull(JsonElement e) => e.ValueKind is JsonValueKind.Array or JsonValueKind.Null;

    private static List<StatRow> StatRows(JsonElement list, string endpoint)
    {
        if (list.ValueKind == JsonValueKind.Null) return [];
        var rows = new List<StatRow>(list.GetArrayLength());
        foreach (var row in list.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object) throw Shape(endpoint, "row", row);
            var count = RequiredInteger(row, "c", endpoint, alias: "count");
            if (count < 0) throw Shape(endpoint, "row with a negative count", row);
            rows.Add(new StatRow(
                Int32(RequiredInteger(row, "moduleId", endpoint), row, endpoint),
                RequiredInteger(row, "streamId", endpoint),
                Property(row, "subStreamId") is { } sub && sub.ValueKind != JsonValueKind.Null ? Integer(sub, row, "subStreamId", endpoint) : 0,
                Int32(RequiredInteger(row, "statusId", endpoint), row, endpoint),
                count));
        }
        return rows;
    }

    private static int Int32(long value, JsonElement row, string endpoint) =>
        value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Shape(endpoint, "row with an id out of range", row);

    private static long RequiredInteger(JsonElement obj, string name, string endpoint, string? alias = null)
    {
        var value = Property(obj, name) ?? (alias is null ? null : Property(obj, alias));
        if (value is not { } v) throw new CirrusApiException(endpoint, $"{endpoint}: row lacks '{name}' (keys: {Keys(obj)})");
        return Integer(v, obj, name, endpoint);
    }

    private static long OptionalInteger(JsonElement obj, string name, string endpoint) =>
        Property(obj, name) is { ValueKind: not JsonValueKind.Null } v ? Integer(v, obj, name, endpoint) : 0;

    private static long Integer(JsonElement value, JsonElement owner, string name, string endpoint) =>
        TryInteger(value, out var n) ? n : throw Shape(endpoint, $"'{name}'", value);

    /// <summary>An integer sent as a JSON number (integral) or as a string of digits.</summary>
    internal static bool TryInteger(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result)
                || (value.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 && (result = (long)d) == result),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>Parses ISO-8601 with or without a zone; a value without one is UTC (brands can turn 'Z' off).</summary>
    internal static bool TryTimestamp(string text, out DateTimeOffset result) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out result);

    /// <summary>Case-insensitive property lookup: casing differs between the API's endpoints.</summary>
    internal static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        if (obj.TryGetProperty(name, out var exact)) return exact;
        foreach (var p in obj.EnumerateObject())
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    private static CirrusApiException Shape(string endpoint, string what, JsonElement value) =>
        new(endpoint, $"{endpoint}: unrecognised {what}: {Describe(value)}");

    /// <summary>A short, value-free description of a JSON shape for logs, e.g. object{Item1:array,Foo:string}.</summary>
    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object{" + string.Join(",", value.EnumerateObject().Take(8).Select(p => $"{p.Name}:{Kind(p.Value)}")) + (value.EnumerateObject().Count() > 8 ? ",…" : "") + "}",
        JsonValueKind.Array => $"array[{value.GetArrayLength()}]" + (value.GetArrayLength() > 0 ? " of " + Kind(value[0]) : ""),
        _ => Kind(value),
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Keys(JsonElement obj) =>
        obj.ValueKind == JsonValueKind.Object ? string.Join(",", obj.EnumerateObject().Take(8).Select(p => p.Name)) : Kind(obj);
}
