using System.Text.Json;
using CirrusExporter.Api;
using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors.SlaExceptions;

/// <summary>Finds the two SLA lists in any of the four documented shapes of /stats/streamsSLAExceptions.</summary>
public static class SlaParser
{
    public static SlaLists Parse(JsonElement data, string endpoint, SlaItem1 slaItem1)
    {
        var (item1, item2) = Pair(data, endpoint);
        var first = item1 is { } a ? StatRows.Parse(a, endpoint) : [];
        var second = item2 is { } b ? StatRows.Parse(b, endpoint) : [];
        return slaItem1 == SlaItem1.Breaches ? new SlaLists(first, second) : new SlaLists(second, first);
    }

    /// <summary>
    /// (Item1, Item2) from {Item1,Item2}, {Exceptions,SlaCritical}, [{Item1},{Item2}] or [[...],[...]].
    /// </summary>
    private static (JsonElement? Item1, JsonElement? Item2) Pair(JsonElement data, string endpoint)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var tuple = (TolerantJson.Property(data, "Item1"), TolerantJson.Property(data, "Item2"));
                    var named = (TolerantJson.Property(data, "Exceptions"), TolerantJson.Property(data, "SlaCritical"));
                    // Both shapes at once could disagree (an empty Item1 beside a full Exceptions): no guess.
                    if ((tuple.Item1 ?? tuple.Item2) is not null && (named.Item1 ?? named.Item2) is not null)
                    {
                        throw TolerantJson.Shape(endpoint,
                            "SLA data holding both Item1/Item2 and Exceptions/SlaCritical (ambiguous)", data);
                    }
                    var item1 = tuple.Item1 ?? named.Item1;
                    var item2 = tuple.Item2 ?? named.Item2;
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
                            if (p.Name.Equals("Item1", StringComparison.OrdinalIgnoreCase)
                                || p.Name.Equals("Exceptions", StringComparison.OrdinalIgnoreCase))
                            {
                                item1 = item1 is null
                                    ? p.Value
                                    : throw TolerantJson.Shape(endpoint,
                                        "SLA data with the breach list twice (ambiguous)", data);
                            }
                            else if (p.Name.Equals("Item2", StringComparison.OrdinalIgnoreCase)
                                || p.Name.Equals("SlaCritical", StringComparison.OrdinalIgnoreCase))
                            {
                                item2 = item2 is null
                                    ? p.Value
                                    : throw TolerantJson.Shape(endpoint,
                                        "SLA data with the critical list twice (ambiguous)", data);
                            }
                            else { item1 = item2 = null; break; }
                        }
                        if (item1 is not null || item2 is not null) return (item1, item2);
                    }
                    break;
                }
        }
        throw TolerantJson.Shape(endpoint,
            "SLA data (expected {Item1,Item2}, {Exceptions,SlaCritical}, [{Item1},{Item2}] or [[...],[...]])", data);
    }

    private static bool IsListOrNull(JsonElement e) => e.ValueKind is JsonValueKind.Array or JsonValueKind.Null;
}
