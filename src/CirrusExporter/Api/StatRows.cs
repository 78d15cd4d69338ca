using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>One (module, stream, sub-stream, status) group of /stats/streams or an SLA list.</summary>
public readonly record struct StatRow(int ModuleId, long StreamId, long SubStreamId, int StatusId, long Count);

/// <summary>
/// The row shape /stats/streams and both SLA lists share,
/// <c>{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":12}</c>, read by one forward-only reader: from a list
/// the document path found (<see cref="Parse"/>), or straight from a /stats/streams body of the usual envelope without
/// building a document (<see cref="TryReadBody"/>): at a large tenant that document is megabytes of metadata rented
/// from the shared pool on every refresh. Rows with an invalid stream id are left out and recorded.
/// </summary>
public static class StatRows
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, MaxDepth = 64 };

    // A row's fields, in the order they are checked: the first problem found is the one reported.
    private const int C = 0, Count = 1, StreamId = 2, SubStreamId = 3, ModuleId = 4, StatusId = 5, FieldCount = 6;
    private static readonly string[] Names = ["c", "count", "streamId", "subStreamId", "moduleId", "statusId"];

    /// <summary>The rows of a list (null: none); anything else throws naming the shape.</summary>
    public static List<StatRow> Parse(JsonElement list, string endpoint)
    {
        if (list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array) throw TolerantJson.Shape(endpoint, "data", list);
        var json = JsonMarshal.GetRawUtf8Value(list);
        var reader = new Utf8JsonReader(json, Options);
        reader.Read();
        var ignored = new List<(long StreamId, long SubStreamId)>();
        var rows = ReadRows(json, ref reader, endpoint, usualOnly: false, ignored)!;
        Record(ignored, endpoint);
        return rows;
    }

    /// <summary>
    /// The rows of a body <c>{"status":200,...,"data":[rows]}</c> whose other keys are scalars, none repeated in any
    /// casing, and whose rows hold only the row fields, each once. False for anything else, with nothing recorded:
    /// the document path then reads the body, and refuses it or gives these same rows.
    /// </summary>
    public static bool TryReadBody(ReadOnlySpan<byte> body, string endpoint,
        [NotNullWhen(true)] out IReadOnlyList<StatRow>? rows)
    {
        var ignored = new List<(long StreamId, long SubStreamId)>();
        try
        {
            rows = ReadBody(body, endpoint, ignored);
        }
        catch (Exception e) when (e is JsonException or CirrusApiException or AmbiguousJsonException
            or InvalidOperationException)
        {
            rows = null;
        }
        if (rows is not null) Record(ignored, endpoint);
        return rows is not null;
    }

    private static List<StatRow>? ReadBody(ReadOnlySpan<byte> body, string endpoint, List<(long, long)> ignored)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        List<StatRow>? rows = null;
        var seenStatus = false;
        var others = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // An escaped or non-ASCII key could still match a known one under OrdinalIgnoreCase: the document path
            // decides.
            if (reader.ValueIsEscaped || !Ascii.IsValid(reader.ValueSpan)) return null;
            var name = reader.GetString()!;
            if (!reader.Read()) return null;
            if (name.Equals("data", StringComparison.OrdinalIgnoreCase))
            {
                if (rows is not null || reader.TokenType != JsonTokenType.StartArray) return null;
                rows = ReadRows(body, ref reader, endpoint, usualOnly: true, ignored);
                if (rows is null) return null;
            }
            else if (name.Equals("status", StringComparison.OrdinalIgnoreCase))
            {
                if (seenStatus || !TryInteger(ref reader, out var status) || status is < 200 or > 299) return null;
                seenStatus = true;
            }
            else if (!IsScalar(reader.TokenType) || others.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }
            else
            {
                others.Add(name);
            }
        }
        // The root object must be closed and be all there is.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        return rows;
    }

    /// <summary>
    /// The rows of the array the reader is at, leaving it at the array's end; rows with an invalid stream id go to
    /// <paramref name="ignored"/>. With <paramref name="usualOnly"/>, null for a row with another key or a field given
    /// twice, which the document path may refuse as a whole.
    /// </summary>
    private static List<StatRow>? ReadRows(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, string endpoint,
        bool usualOnly, List<(long, long)> ignored)
    {
        var rows = new List<StatRow>();
        var fields = new RowFields(endpoint);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw TolerantJson.Shape(endpoint, "row", Element(json, start));
            }
            fields.Clear();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader);
                reader.Read();
                if (field < 0 || (usualOnly && fields.Seen[field] > 0))
                {
                    if (usualOnly) return null;
                    reader.Skip();
                    continue;
                }
                fields.Seen[field]++;
                // A null sub-stream is sub-stream 0.
                if (field == SubStreamId && reader.TokenType == JsonTokenType.Null) continue;
                if (TryInteger(ref reader, out var value))
                {
                    fields.Values[field] = value;
                }
                else
                {
                    fields.Bad[field] = true;
                    reader.Skip();
                }
            }

            // "count" is read only when there is no "c", and reported as "c".
            var count = fields.Seen[C] > 0
                ? fields.Value(json, start, C, required: true)
                : fields.Value(json, start, Count, required: true, name: Names[C]);
            if (count < 0) throw TolerantJson.Shape(endpoint, "row with a negative count", Element(json, start));
            var streamId = fields.Value(json, start, StreamId, required: true);
            var subStreamId = fields.Value(json, start, SubStreamId, required: false);
            // Ids come from the console as positive numbers; anything else would become a series and a call path.
            if (streamId <= 0 || subStreamId < 0)
            {
                ignored.Add((streamId, subStreamId));
                continue;
            }
            rows.Add(new StatRow(fields.Id(json, start, ModuleId), streamId, subStreamId,
                fields.Id(json, start, StatusId), count));
        }
        return rows;
    }

    /// <summary>One row's fields as read: how often each was given, its value, or that it was not an integer.</summary>
    private sealed class RowFields(string endpoint)
    {
        public long[] Values { get; } = new long[FieldCount];

        public int[] Seen { get; } = new int[FieldCount];

        public bool[] Bad { get; } = new bool[FieldCount];

        public void Clear()
        {
            Array.Clear(Values);
            Array.Clear(Seen);
            Array.Clear(Bad);
        }

        /// <summary>
        /// The field's value (0 when optional and absent); throws naming the shape of the row at
        /// <paramref name="start"/>.
        /// </summary>
        public long Value(ReadOnlySpan<byte> json, int start, int field, bool required, string? name = null)
        {
            name ??= Names[field];
            if (Seen[field] == 0)
            {
                if (!required) return 0;
                throw new CirrusApiException(endpoint,
                    $"{endpoint}: row lacks '{name}' (keys: {TolerantJson.Keys(Element(json, start))})");
            }
            if (Seen[field] > 1) throw TolerantJson.Ambiguous(Names[field]);
            return Bad[field]
                ? throw TolerantJson.Shape(endpoint, $"'{name}'",
                    TolerantJson.Property(Element(json, start), Names[field])!.Value)
                : Values[field];
        }

        public int Id(ReadOnlySpan<byte> json, int start, int field)
        {
            var id = Value(json, start, field, required: true);
            return id is >= int.MinValue and <= int.MaxValue
                ? (int)id
                : throw TolerantJson.Shape(endpoint, "row with an id out of range", Element(json, start));
        }
    }

    private static void Record(List<(long StreamId, long SubStreamId)> ignored, string endpoint)
    {
        foreach (var (streamId, subStreamId) in ignored)
        {
            RefreshContext.Current?.RecordIgnored(IgnoredRows.InvalidStreamId,
                $"{endpoint}: row with streamId {streamId}, subStreamId {subStreamId}");
        }
    }

    /// <summary>
    /// Which row field a key names in any casing (as <see cref="TolerantJson.Property"/> matches), or -1.
    /// </summary>
    private static int Field(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && Ascii.IsValid(reader.ValueSpan))
        {
            for (var i = 0; i < FieldCount; i++)
                if (Ascii.EqualsIgnoreCase(reader.ValueSpan, Names[i])) return i;
            return -1;
        }
        var name = reader.GetString();
        return Array.FindIndex(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// An integer as <see cref="TolerantJson.TryInteger"/> reads one: a JSON number, or a string of digits with an
    /// optional sign.
    /// </summary>
    private static bool TryInteger(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt64(out value)
                || (reader.TryGetDouble(out var d) && TolerantJson.TryIntegral(d, out value)),
            JsonTokenType.String when reader.ValueIsEscaped => long.TryParse(reader.GetString(),
                NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            JsonTokenType.String => long.TryParse(reader.ValueSpan, NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool IsScalar(JsonTokenType token) => token is JsonTokenType.String or JsonTokenType.Number
        or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;

    /// <summary>The value that starts at <paramref name="start"/>, to describe in an error.</summary>
    private static JsonElement Element(ReadOnlySpan<byte> json, int start)
    {
        var reader = new Utf8JsonReader(json[start..], Options);
        reader.Read();
        return JsonElement.ParseValue(ref reader);
    }
}
