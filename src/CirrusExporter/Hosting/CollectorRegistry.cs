using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Hosting;

/// <summary>
/// Every collector the exporter has, one line each: the one list of them. <see cref="AddCollectors"/> puts them in the
/// container, from which every service that iterates collectors takes them (options binding and validation, the
/// scheduler, the snapshot, the self-metrics); what runs before there is a container (the docs command, --demo) is
/// given the list by the entry point.
/// </summary>
public static class CollectorRegistry
{
    /// <summary>
    /// Read by the entry point and <see cref="AddCollectors"/> only; everything else is given the descriptors.
    /// </summary>
    internal static IReadOnlyList<CollectorDescriptor> All { get; } =
    [
        AvailabilityCollector.Descriptor,
        StreamStatsCollector.Descriptor,
        SlaExceptionsCollector.Descriptor,
        ObjectsCollector.Descriptor,
        ConversationsCollector.Descriptor,
    ];

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
