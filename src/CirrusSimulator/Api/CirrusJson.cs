using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CirrusSimulator.Simulation;

namespace CirrusSimulator.Api;

/// <summary>One row of /stats/streams and of both SLA lists.</summary>
internal readonly record struct StatRow(int ModuleId, long StreamId, long SubStreamId, int StatusId, int Count);

/// <summary>Writes the Cirrus wire format: the envelope, its field casing and its two datetime styles.</summary>
internal static class CirrusJson
{
    /// <summary>Envelope with a payload; response_time with 7 fraction digits, as the vendor's 200 examples.</summary>
    public static byte[] Success(DateTimeOffset time, byte[] data) =>
        Write(writer =>
        {
            WriteHeader(writer, 200, "Operation successful",
                time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: true);
            writer.WriteEndObject();
        });

    /// <summary>
    /// Error envelope without data; response_time with 3 fraction digits, as the vendor's error schemas.
    /// </summary>
    public static byte[] Error(int status, DateTimeOffset time) =>
        Write(writer =>
        {
            WriteHeader(writer, status, Describe(status), FormatTime(time.UtcTicks));
            writer.WriteEndObject();
        });

    public static byte[] Rows(IEnumerable<StatRow> rows) =>
        Write(writer => WriteRows(writer, rows));

    /// <summary>The SLA payload as a serialised .NET tuple: Item1 = breaches, Item2 = SLA-critical.</summary>
    public static byte[] SlaLists(IEnumerable<StatRow> breached, IEnumerable<StatRow> critical) =>
        Write(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("Item1");
            WriteRows(writer, breached);
            writer.WritePropertyName("Item2");
            WriteRows(writer, critical);
            writer.WriteEndObject();
        });

    public static byte[] Availability(int state) =>
        Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("state", state);
            writer.WriteEndObject();
        });

    /// <summary>Stream objects with their ids, status and times only: no names, messages or contact details.</summary>
    public static byte[] Objects(IEnumerable<Conversation> conversations) =>
        Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var c in conversations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("objectId", c.Id);
                writer.WriteNumber("streamId", c.Queue.Stream.Id);
                writer.WriteNumber("substreamId", c.Queue.SubStreamId);
                writer.WriteNumber("statusId", c.Status);
                writer.WriteNumber("type", c.ObjectType);
                writer.WriteString("createdTime", FormatTime(c.Created));
                writer.WriteString("updatedTime", FormatTime(c.Updated));
                WriteOptionalTime(writer, "firstResponseTime", c.FirstResponse);
                WriteOptionalTime(writer, "closedTime", c.Closed);
                writer.WriteNumber("numTags", c.NumTags);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });

    private static string Describe(int status) => status switch
    {
        200 => "Operation successful",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Error",
    };

    private static void WriteHeader(Utf8JsonWriter writer, int status, string description, string time)
    {
        writer.WriteStartObject();
        writer.WriteNumber("status", status);
        writer.WriteString("description", description);
        writer.WriteString("response_time", time);
    }

    private static void WriteRows(Utf8JsonWriter writer, IEnumerable<StatRow> rows)
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            writer.WriteNumber("moduleId", row.ModuleId);
            writer.WriteNumber("streamId", row.StreamId);
            writer.WriteNumber("subStreamId", row.SubStreamId);
            writer.WriteNumber("statusId", row.StatusId);
            writer.WriteNumber("c", row.Count);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteOptionalTime(Utf8JsonWriter writer, string name, long? ticks)
    {
        if (ticks is { } value)
        {
            writer.WriteString(name, FormatTime(value));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string FormatTime(long utcTicks) =>
        new DateTime(utcTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            body(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
