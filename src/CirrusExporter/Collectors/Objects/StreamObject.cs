using System.Text.Json;
using CirrusExporter.Api;

namespace CirrusExporter.Collectors.Objects;

/// <summary>The fields of a stream object the exporter uses.</summary>
public readonly record struct StreamObject(long ObjectId, int StatusId, DateTimeOffset CreatedTime)
{
    /// <summary><c>data</c> is an array of objects, each with a createdTime.</summary>
    public static IReadOnlyList<StreamObject> ParseList(JsonElement data, string endpoint)
    {
        if (data.ValueKind != JsonValueKind.Array) throw TolerantJson.Shape(endpoint, "data", data);
        var items = new List<StreamObject>(data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw TolerantJson.Shape(endpoint, "data item", item);
            var created = TolerantJson.Property(item, "createdTime");
            if (created is not { ValueKind: JsonValueKind.String } c
                || !TolerantJson.TryTimestamp(c.GetString()!, out var createdTime))
            {
                throw TolerantJson.Shape(endpoint, "data item createdTime", created ?? item);
            }
            items.Add(new StreamObject(
                TolerantJson.OptionalInteger(item, "objectId", endpoint),
                TolerantJson.Int32(TolerantJson.OptionalInteger(item, "statusId", endpoint), item, endpoint),
                createdTime));
        }
        return items;
    }
}
