using System.Text.Json;
using CirrusExporter.Api;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.Availability;

/// <summary>The availability state (0..3) per watched stream or sub-stream.</summary>
public sealed record AvailabilityData(IReadOnlyDictionary<StreamKey, int> States) : CollectorData
{
    private static readonly string[] StateNames = ["inactive", "available", "busy", "unavailable"];

    /// <summary><c>data</c> is the state as a number or {state}.</summary>
    public static int ParseState(JsonElement data, string endpoint)
    {
        var stateElement = data.ValueKind == JsonValueKind.Object ? TolerantJson.Property(data, "state") : data;
        if (stateElement is not { } s || !TolerantJson.TryInteger(s, out var state) || state is < 0 or > 3)
            throw TolerantJson.Shape(endpoint, "data (expected a state 0..3 as a number or {state})", data);
        return (int)state;
    }

    public override void Render(ExpositionWriter w, RenderContext context)
    {
        // Only streams still in the catalogue: a stream that vanished upstream loses its series at once.
        var watched = context.Catalogue.Streams.Select(s => s.Key).ToHashSet();
        var current = States.Where(kv => watched.Contains(kv.Key))
            .OrderBy(kv => kv.Key.StreamId).ThenBy(kv => kv.Key.SubStreamId).ToList();
        w.Family(AvailabilityMetrics.State, context.Help(AvailabilityMetrics.State));
        foreach (var (key, state) in current)
        {
            var (id, sub) = context.Ids(key);
            for (var i = 0; i < StateNames.Length; i++)
                w.Sample(AvailabilityMetrics.State, i == state ? 1 : 0, id, sub, StateNames[i]);
        }
        w.Family(AvailabilityMetrics.StateCode, context.Help(AvailabilityMetrics.StateCode));
        foreach (var (key, state) in current)
        {
            var (id, sub) = context.Ids(key);
            w.Sample(AvailabilityMetrics.StateCode, state, id, sub);
        }
    }
}
