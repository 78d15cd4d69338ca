using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors.Availability;

/// <summary>
/// GET /streams/{id}[/substreams/{sub}]/streamavailability: one call per watched stream or sub-stream. Each poll also
/// tells <see cref="StreamHours"/> which streams are closed, for the conversations collector's business time.
/// </summary>
public sealed class AvailabilityCollector(
    IAvailabilityApi api, ApiResponseReader reader, IOptions<CirrusOptions> options, StreamHours hours, ApiClock clock,
    TimeProvider time) : ICollector
{
    public const string Label = "availability";

    private const int InactiveState = 0;
    private const int UnavailableState = 3;

    public static CollectorDescriptor Descriptor { get; } = new(
        Label, "Availability",
        "GET /streams/{id}/streamavailability",
        "Poll `GET /streams/{id}/streamavailability`: one call per watched stream or sub-stream per interval.",
        CollectorRole.Reader,
        CollectorPriority.Paging,
        (snapshot, _) => snapshot.Catalogue.Streams.Count,
        [AvailabilityMetrics.State, AvailabilityMetrics.StateCode],
        CollectorOptionsBinding.Of(section => section.Get<AvailabilityCollectorOptions>()),
        // StreamHours is registered whether or not this collector is on: with it off, no hour counts as closed.
        (services, endpoint) =>
        {
            CollectorDescriptor.Registers<AvailabilityCollector, IAvailabilityApi>()(services, endpoint);
            services.AddSingleton<StreamHours>();
        });

    private readonly LastAnswers<StreamKey, int> _last = new();

    CollectorDescriptor ICollector.Descriptor => Descriptor;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        var o = options.Value.Collectors.Of<AvailabilityCollectorOptions>(Descriptor);
        var (ignoreAutomation, autoAssign) = (o.IgnoreAutomation ? "true" : "false", o.AutoAssign ? "true" : "false");
        var targets = current.Catalogue.Streams.Select(s => s.Key).ToList();
        var polled = clock.Now;
        var (states, failed, first) = await FanOut.RunAsync(targets, options.Value.Http.MaxConcurrency,
            async (key, ct) =>
            {
                using var response = key.SubStreamId == 0
                    ? await api.GetStreamAvailability(key.StreamId, ignoreAutomation, autoAssign, ct)
                    : await api.GetSubStreamAvailability(key.StreamId, key.SubStreamId, ignoreAutomation, autoAssign,
                        ct);
                return await reader.ReadDataAsync(response, Label, AvailabilityData.ParseState, ct);
            }, cancellationToken);
        // Business hours learn from answers only, not from a state carried over.
        foreach (var stream in states.GroupBy(kv => kv.Key.StreamId))
            hours.Observe(stream.Key, polled, stream.All(kv => kv.Value is InactiveState or UnavailableState));
        var published = _last.Merge(targets, states, time.GetUtcNow(), options.Value.MaxDataAge);
        return RefreshResult.ForStreams(new AvailabilityData(published), current, failed, first, Label);
    }
}
