using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors;

/// <summary>Every collector the exporter has: one line each. Everything else iterates this list.</summary>
public static class CollectorRegistry
{
    public static IReadOnlyList<CollectorDescriptor> All { get; } =
    [
        AvailabilityCollector.Descriptor,
        StreamStatsCollector.Descriptor,
        SlaExceptionsCollector.Descriptor,
        ObjectsCollector.Descriptor,
        ConversationsCollector.Descriptor,
    ];

    /// <summary>The collector whose data lists the streams.</summary>
    public static CollectorDescriptor StreamSource { get; } = All.Single(d => d.Role == CollectorRole.StreamSource);

    public static CollectorDescriptor ByLabel(string label) => All.Single(d => d.Label == label);

    /// <summary>
    /// Adds every collector: its descriptor, which the services that iterate collectors take from the container, its
    /// collector and its call interface, whose requests carry its label as their <c>endpoint</c>.
    /// </summary>
    public static IServiceCollection AddCollectors(this IServiceCollection services)
    {
        foreach (var d in All)
        {
            services.AddSingleton(d);
            d.Register(services, d.Label);
        }
        return services;
    }
}
