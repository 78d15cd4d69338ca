using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;

namespace CirrusExporter.Api;

/// <summary>
/// The one typed Cirrus client: every collector's own call interface, so all calls share one resilience
/// pipeline (one rate limit, one concurrency cap, one circuit). Each route lives beside its collector.
/// </summary>
public interface ICirrusApi : IAvailabilityApi, IStreamStatsApi, ISlaExceptionsApi, IObjectsApi, IConversationsApi;
