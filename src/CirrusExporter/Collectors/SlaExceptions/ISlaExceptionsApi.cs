using Refit;

namespace CirrusExporter.Collectors.SlaExceptions;

[Headers("Accept: application/json")]
public interface ISlaExceptionsApi
{
    [Get("/stats/streamsSLAExceptions")]
    Task<HttpResponseMessage> GetStreamsSlaExceptions(CancellationToken cancellationToken);
}
