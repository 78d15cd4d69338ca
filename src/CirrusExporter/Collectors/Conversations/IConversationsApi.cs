using Refit;

namespace CirrusExporter.Collectors.Conversations;

[Headers("Accept: application/json")]
public interface IConversationsApi
{
    /// <summary>The objects endpoint with the time range on updated time: what changed in the window.</summary>
    [Get("/streams/{streamId}/objects")]
    Task<HttpResponseMessage> GetChangedObjects(
        long streamId,
        long unixStartTime,
        long unixEndTime,
        string order,
        string sort,
        int pageNumber,
        int pageSize,
        CancellationToken cancellationToken);
}
