using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;

namespace CirrusExporter.UnitTests;

/// <summary>Typed access to each collector's options through its descriptor, for tests that set them.</summary>
internal static class CollectorOptionsAccess
{
    public static AvailabilityCollectorOptions Availability(this CollectorsOptions c)
        => c.Of<AvailabilityCollectorOptions>(AvailabilityCollector.Descriptor);

    public static CollectorOptions StreamStats(this CollectorsOptions c) => c.For(StreamStatsCollector.Descriptor);

    public static CollectorOptions SlaExceptions(this CollectorsOptions c) => c.For(SlaExceptionsCollector.Descriptor);

    public static ObjectsCollectorOptions Objects(this CollectorsOptions c)
        => c.Of<ObjectsCollectorOptions>(ObjectsCollector.Descriptor);

    public static ConversationsCollectorOptions Conversations(this CollectorsOptions c)
        => c.Of<ConversationsCollectorOptions>(ConversationsCollector.Descriptor);
}
