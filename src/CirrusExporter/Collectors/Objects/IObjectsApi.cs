using Refit;

namespace CirrusExporter.Collectors.Objects;

[Headers("Accept: application/json")]
public interface IObjectsApi
{
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
