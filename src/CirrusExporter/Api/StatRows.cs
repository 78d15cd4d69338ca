using System.Text.Json;

namespace CirrusExporter.Api;

/// <summary>One (module, stream, sub-stream, status) group of /stats/streams or an SLA list.</summary>
public readonly record struct StatRow(int ModuleId, long StreamId, long SubStreamId, int StatusId, long Count);

/// <summary>The row shape /stats/streams and both SLA lists share.</summary>
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
            rows.Add(new StatRow(
                TolerantJson.Int32(TolerantJson.RequiredInteger(row, "moduleId", endpoint), row, endpoint),
                TolerantJson.RequiredInteger(row, "streamId", endpoint),
                TolerantJson.Property(row, "subStreamId") is { } sub && sub.ValueKind != JsonValueKind.Null ? TolerantJson.Integer(sub, "subStreamId", endpoint) : 0,
                TolerantJson.Int32(TolerantJson.RequiredInteger(row, "statusId", endpoint), row, endpoint),
                count));
        }
        return rows;
    }
}
