using Refit;

namespace CirrusExporter.Collectors.Availability;

/// <summary>Flags are strings because the API documents lower-case "true"/"false".</summary>
[Headers("Accept: application/json")]
public interface IAvailabilityApi
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
}
