using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>One (module, stream, sub-stream, status) group of /stats/streams or an SLA list.</summary>
public readonly record struct StatRow(int ModuleId, long StreamId, long SubStreamId, int StatusId, long Count);

/// <summary>The row shape /stats/streams and both SLA lists share. Rows with an invalid stream id are left out and recorded.</summary>
public static class StatRows
{
    public static List<StatRow> Parse(JsonElement list, string endpoint)
    {
        if (list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array) throw TolerantJson.Shape(endpoint, "data", list);
        var rows = new List<StatRow>(list.GetArrayLength());
        foreach (var row in list.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object) throw TolerantJson.Shape(endpoint, "row", row);
            var count = TolerantJson.RequiredInteger(row, "c", endpoint, alias: "count");
            if (count < 0) throw TolerantJson.Shape(endpoint, "row with a negative count", row);
            var streamId = TolerantJson.RequiredInteger(row, "streamId", endpoint);
            var subStreamId = TolerantJson.Property(row, "subStreamId") is { } sub && sub.ValueKind != JsonValueKind.Null ? TolerantJson.Integer(sub, "subStreamId", endpoint) : 0;
            // Ids come from the console as positive numbers; anything else would become a series and a call path.
            if (streamId <= 0 || subStreamId < 0)
            {
                Http.RefreshContext.Current?.RecordIgnored(Http.IgnoredRows.InvalidStreamId, $"{endpoint}: row with streamId {streamId}, subStreamId {subStreamId}");
                continue;
            }
            rows.Add(new StatRow(
                TolerantJson.Int32(TolerantJson.RequiredInteger(row, "moduleId", endpoint), row, endpoint),
                streamId,
                subStreamId,
                TolerantJson.Int32(TolerantJson.RequiredInteger(row, "statusId", endpoint), row, endpoint),
                count));
        }
        return rows;
    }
}
