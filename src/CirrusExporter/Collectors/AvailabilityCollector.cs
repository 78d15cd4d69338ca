using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors;

/// <summary>GET /streams/{id}[/substreams/{sub}]/streamavailability: one call per watched stream or sub-stream.</summary>
public sealed class AvailabilityCollector(ICirrusApi api, CirrusResponseReader reader, IOptions<CirrusOptions> options) : ICollector
{
    public string Name => ApiEndpoint.Availability;

    public CollectorOptions Options => options.Value.Collectors.Availability;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        var o = options.Value.Collectors.Availability;
        var (ignoreAutomation, autoAssign) = (o.IgnoreAutomation ? "true" : "false", o.AutoAssign ? "true" : "false");
        var targets = current.Catalogue.Streams.Select(s => s.Key).ToList();
        var (states, failed, first) = await FanOut.RunAsync(targets, options.Value.Http.MaxConcurrency, async (key, ct) =>
        {
            using var response = key.SubStreamId == 0
                ? await api.GetStreamAvailability(key.StreamId, ignoreAutomation, autoAssign, ct)
                : await api.GetSubStreamAvailability(key.StreamId, key.SubStreamId, ignoreAutomation, autoAssign, ct);
            return await reader.ReadAvailabilityStateAsync(response, Name, ct);
        }, cancellationToken);
        return new RefreshResult(new AvailabilityData(states), failed, first is null ? null : FailureDescription.Of(first, Name, Options.Deadline));
    }
}
