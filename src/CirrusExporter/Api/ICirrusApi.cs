using Refit;

namespace CirrusExporter.Api;

/// <summary>
/// The four Streams API calls the exporter makes. Responses come back raw: the vendor's shapes drift,
/// so <see cref="CirrusResponseReader"/> parses them tolerantly instead of a fixed DTO binding.
/// Flags are strings because the API documents lower-case "true"/"false".
/// </summary>
[Headers("Accept: application/json")]
public interface ICirrusApi
{
    [Get("/streams/{streamId}/streamavailability")]
    Task<HttpResponseMessage> GetStreamAvailability(
        long streamId,
        [AliasAs("ignoreAutomationExsistance")] string ignoreAutomation,
        string autoAssign,
        CancellationToken cancellationToken);

    [Get("/streams/{streamId}/substreams/{subStreamId}/streamavailability")]
    Task<HttpResponseMessage> GetSubStreamAvailability(
        long streamId,
        long subStreamId,
        [AliasAs("ignoreAutomationExsistance")] string ignoreAutomation,
        string autoAssign,
        CancellationToken cancellationToken);

    [Get("/stats/streams")]
    Task<HttpResponseMessage> GetStreamsStats(CancellationToken cancellationToken);

    [Get("/stats/streamsSLAExceptions")]
    Task<HttpResponseMessage> GetStreamsSlaExceptions(CancellationToken cancellationToken);

    [Get("/streams/{streamId}/objects")]
    Task<HttpResponseMessage> GetStreamObjects(
        long streamId,
        long unixStartTime,
        long unixEndTime,
        string status,
        string sort,
        string order,
        int pageNumber,
        int pageSize,
        CancellationToken cancellationToken);
}
