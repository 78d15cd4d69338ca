using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>
/// Reads the shapes cirrus-api.md documents or calls ambiguous: numbers as strings, any property casing,
/// timestamps with or without Z. Errors describe the shape, never the value.
/// </summary>
public static class TolerantJson
{
    public static long RequiredInteger(JsonElement obj, string name, string endpoint, string? alias = null)
    {
        var value = Property(obj, name) ?? (alias is null ? null : Property(obj, alias));
        if (value is not { } v)
        {
            throw new CirrusApiException(endpoint, $"{endpoint}: row lacks '{name}' (keys: {Keys(obj)})");
        }
        return Integer(v, name, endpoint);
    }

    public static long OptionalInteger(JsonElement obj, string name, string endpoint) =>
        Property(obj, name) is { ValueKind: not JsonValueKind.Null } v ? Integer(v, name, endpoint) : 0;

    public static long Integer(JsonElement value, string name, string endpoint) =>
        TryInteger(value, out var n) ? n : throw Shape(endpoint, $"'{name}'", value);

    public static int Int32(long value, JsonElement row, string endpoint) =>
        value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw Shape(endpoint, "row with an id out of range", row);

    /// <summary>An integer sent as a JSON number (integral) or as a string of digits.</summary>
    public static bool TryInteger(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result)
                || (value.TryGetDouble(out var d) && TryIntegral(d, out result)),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>A number written with a fraction or an exponent that is still a whole number, exactly.</summary>
    public static bool TryIntegral(double value, out long result)
    {
        result = 0;
        return value == Math.Floor(value) && Math.Abs(value) < 9e15 && (result = (long)value) == result;
    }

    /// <summary>Parses ISO-8601 with or without a zone; a value without one is UTC (brands can turn 'Z' off).</summary>
    public static bool TryTimestamp(string text, out DateTimeOffset result) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out result);

    /// <summary>
    /// Case-insensitive property lookup: casing differs between the API's endpoints. Two keys that differ
    /// only in case (<c>"status"</c> and <c>"Status"</c>) are ambiguous, so the lookup refuses them.
    /// </summary>
    /// <exception cref="AmbiguousJsonException">the object holds the name in more than one casing.</exception>
    public static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        JsonElement? found = null;
        foreach (var p in obj.EnumerateObject())
        {
            if (!NameIs(p, name)) continue;
            if (found is not null) throw Ambiguous(name);
            found = p.Value;
        }
        return found;
    }

    /// <summary>
    /// Whether the property is called <paramref name="name"/> in any casing. Compares the raw UTF-8 name in
    /// place: reading <see cref="JsonProperty.Name"/> allocates a string per property per lookup, and a large
    /// tenant's refresh looks up tens of thousands of rows. A name with an escape or a
    /// non-ASCII byte takes the string path, so the comparison stays exactly OrdinalIgnoreCase.
    /// </summary>
    private static bool NameIs(JsonProperty p, string name)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        return Ascii.IsValid(raw) && raw.IndexOf((byte)'\\') < 0
            ? Ascii.EqualsIgnoreCase(raw, name)
            : p.Name.Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    public static AmbiguousJsonException Ambiguous(string name) =>
        new($"ambiguous JSON: key '{name}' appears more than once (keys differing only in case)");

    public static CirrusApiException Shape(string endpoint, string what, JsonElement value) =>
        new(endpoint, $"{endpoint}: unrecognised {what}: {Describe(value)}");

    /// <summary>
    /// A short, value-free description of a JSON shape for logs, e.g. object{Item1:array,Foo:string}.
    /// </summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object{"
            + string.Join(",", value.EnumerateObject().Take(8).Select(p => $"{p.Name}:{Kind(p.Value)}"))
            + (value.EnumerateObject().Count() > 8 ? ",…" : "") + "}",
        JsonValueKind.Array => $"array[{value.GetArrayLength()}]"
            + (value.GetArrayLength() > 0 ? " of " + Kind(value[0]) : ""),
        _ => Kind(value),
    };

    public static string Keys(JsonElement obj) =>
        obj.ValueKind == JsonValueKind.Object
            ? string.Join(",", obj.EnumerateObject().Take(8).Select(p => p.Name))
            : Kind(obj);

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}

/// <summary>A body that holds one key twice: which value is meant cannot be known, so nothing is guessed.</summary>
public sealed class AmbiguousJsonException(string message) : Exception(message);
