using System.Text.Json;
using CirrusExporter.Api;

namespace CirrusExporter.Collectors.Conversations;

/// <summary>
/// The times of one conversation the changed-objects call returned, and its status (0 when the item has none).
/// </summary>
public readonly record struct ChangedConversation(
    long ObjectId, DateTimeOffset Created, DateTimeOffset Updated, DateTimeOffset? FirstResponse,
    DateTimeOffset? Closed, int StatusId = 0)
{
    /// <summary>
    /// <c>data</c> is an array of objects; objectId, createdTime and updatedTime are required (dedup and paging need
    /// them).
    /// </summary>
    public static IReadOnlyList<ChangedConversation> ParseList(JsonElement data, string endpoint)
    {
        if (data.ValueKind != JsonValueKind.Array) throw TolerantJson.Shape(endpoint, "data", data);
        var items = new List<ChangedConversation>(data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw TolerantJson.Shape(endpoint, "data item", item);
            items.Add(new ChangedConversation(
                TolerantJson.RequiredInteger(item, "objectId", endpoint),
                Time(item, "createdTime", null, endpoint)
                    ?? throw TolerantJson.Shape(endpoint, "data item without createdTime", item),
                Time(item, "updatedTime", null, endpoint)
                    ?? throw TolerantJson.Shape(endpoint, "data item without updatedTime", item),
                Time(item, "firstResponseTime", null, endpoint),
                Time(item, "closedTime", "closeTime", endpoint),
                TolerantJson.Int32(TolerantJson.OptionalInteger(item, "statusId", endpoint), item, endpoint)));
        }
        return items;
    }

    /// <summary>
    /// Why this conversation's times cannot be true, or null: created outside <paramref name="earliest"/> ..
    /// <paramref name="latest"/> (0001-01-01, a future clock), any time after <paramref name="latest"/>, or a first
    /// response or close before the creation. Counting such a one would put years or nothing into the timings.
    /// </summary>
    public string? Impossible(DateTimeOffset earliest, DateTimeOffset latest)
    {
        if (Created < earliest || Created > latest)
        {
            return $"object {ObjectId} createdTime {Created:O} outside {earliest:O} .. {latest:O}";
        }
        if (Updated > latest) return $"object {ObjectId} updatedTime {Updated:O} after {latest:O}";
        foreach (var (name, time) in
            (ReadOnlySpan<(string, DateTimeOffset?)>)[("firstResponseTime", FirstResponse), ("closedTime", Closed)])
        {
            if (time > latest) return $"object {ObjectId} {name} {time:O} after {latest:O}";
            if (time < Created) return $"object {ObjectId} {name} {time:O} before createdTime {Created:O}";
        }
        return null;
    }

    /// <summary>Absent, null or empty is no time; anything else must be a timestamp.</summary>
    private static DateTimeOffset? Time(JsonElement item, string name, string? alias, string endpoint)
    {
        var value = TolerantJson.Property(item, name) ?? (alias is null ? null : TolerantJson.Property(item, alias));
        return value switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } s when s.GetString() is "" => null,
            { ValueKind: JsonValueKind.String } s when TolerantJson.TryTimestamp(s.GetString()!, out var t) => t,
            { } v => throw TolerantJson.Shape(endpoint, $"data item {name}", v),
        };
    }
}
