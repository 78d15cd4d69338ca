using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>
/// Reads the regular shape of a stat-row body, <c>{"status":200,...,"data":[{"moduleId":9,"streamId":1,
/// "subStreamId":0,"statusId":1,"c":12},...]}</c>, forward-only, without building a document: at a large
/// tenant the document of /stats/streams is megabytes of metadata rented from the shared pool on every
/// refresh, which keeps one such buffer on each thread a refresh ran on. Anything outside that shape
/// (nesting, escapes, repeated or ambiguous keys, numbers that are not plain integers, rows the document path
/// would refuse or leave out) makes <see cref="TryRead"/> give false, and the body takes the document path,
/// which reads or explains it.
/// So whenever this gives rows, they are the rows the document path gives.
/// </summary>
public static class StatRowsReader
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, MaxDepth = 64 };

    // Row fields, as bits: which were seen, so a field given twice (in any casing) is noticed.
    private const int ModuleId = 1, StreamId = 2, SubStreamId = 4, StatusId = 8, C = 16, Count = 32, Other = 64;

    /// <summary>The rows of a body whose <c>data</c> is an array of rows; false when the document path must read it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, [NotNullWhen(true)] out IReadOnlyList<StatRow>? rows)
    {
        try
        {
            rows = Read(body);
        }
        catch (JsonException)
        {
            rows = null;
        }
        return rows is not null;
    }

    private static List<StatRow>? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        List<StatRow>? rows = null;
        var seenStatus = false;
        var others = new OtherNames();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // An escaped or non-ASCII key could still match a known one under OrdinalIgnoreCase: the document path decides.
            if (reader.ValueIsEscaped || !Ascii.IsValid(reader.ValueSpan)) return null;
            var name = reader.ValueSpan;
            var start = (int)reader.TokenStartIndex;
            if (!reader.Read()) return null;
            if (Ascii.EqualsIgnoreCase(name, "data"u8))
            {
                if (rows is not null || reader.TokenType != JsonTokenType.StartArray) return null;
                rows = ReadRows(ref reader);
                if (rows is null) return null;
            }
            else if (Ascii.EqualsIgnoreCase(name, "status"u8))
            {
                if (seenStatus || !TryInteger(ref reader, out var status) || status is < 200 or > 299) return null;
                seenStatus = true;
            }
            else if (!IsScalar(reader.TokenType) || !others.Add(body, start, name)) return null;
        }
        // The root object must be closed and be all there is.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        return rows;
    }

    private static List<StatRow>? ReadRows(ref Utf8JsonReader reader)
    {
        var rows = new List<StatRow>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            int seen = 0, moduleId = 0, statusId = 0;
            long streamId = 0, subStreamId = 0, c = 0, count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped) return null;
                var field = Field(reader.ValueSpan);
                // Other keys are refused too: the document path refuses one given twice, which this reader does not track.
                if ((seen & field) != 0 || field == Other || !reader.Read()) return null;
                seen |= field;
                if (field == SubStreamId && reader.TokenType == JsonTokenType.Null) continue;
                if (!TryInteger(ref reader, out var value)) return null;
                switch (field)
                {
                    case ModuleId when value is >= int.MinValue and <= int.MaxValue: moduleId = (int)value; break;
                    case StatusId when value is >= int.MinValue and <= int.MaxValue: statusId = (int)value; break;
                    case StreamId: streamId = value; break;
                    case SubStreamId: subStreamId = value; break;
                    case C: c = value; break;
                    case Count: count = value; break;
                    default: return null;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || (seen & (ModuleId | StreamId | StatusId)) != (ModuleId | StreamId | StatusId) || (seen & (C | Count)) == 0) return null;
            var conversations = (seen & C) != 0 ? c : count;
            // Rows the document path refuses or leaves out (and records) go through it.
            if (conversations < 0 || streamId <= 0 || subStreamId < 0) return null;
            rows.Add(new StatRow(moduleId, streamId, subStreamId, statusId, conversations));
        }
        return reader.TokenType == JsonTokenType.EndArray ? rows : null;
    }

    private static int Field(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "moduleId"u8) ? ModuleId
        : Ascii.EqualsIgnoreCase(name, "streamId"u8) ? StreamId
        : Ascii.EqualsIgnoreCase(name, "subStreamId"u8) ? SubStreamId
        : Ascii.EqualsIgnoreCase(name, "statusId"u8) ? StatusId
        : Ascii.EqualsIgnoreCase(name, "c"u8) ? C
        : Ascii.EqualsIgnoreCase(name, "count"u8) ? Count
        : Other;

    /// <summary>A plain JSON integer, or a string of digits with an optional sign, as <see cref="TolerantJson.TryInteger"/> reads them (an escaped string is no number here).</summary>
    private static bool TryInteger(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt64(out value),
            JsonTokenType.String => long.TryParse(reader.ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool IsScalar(JsonTokenType token) => token is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;

    /// <summary>The envelope's other keys (description, response_time, ...), by where they are in the body: none may repeat in any casing.</summary>
    private struct OtherNames()
    {
        private readonly List<(int Start, int Length)> _names = [];

        public readonly bool Add(ReadOnlySpan<byte> body, int start, ReadOnlySpan<byte> name)
        {
            foreach (var (s, l) in _names)
                if (Ascii.EqualsIgnoreCase(body.Slice(s + 1, l), name)) return false;
            _names.Add((start, name.Length));
            return true;
        }
    }
}
