using Refit;

namespace CirrusExporter.Collectors.StreamStats;

[Headers("Accept: application/json")]
public interface IStreamStatsApi
{
    [Get("/stats/streams")]
    Task<HttpResponseMessage> GetStreamsStats(CancellationToken cancellationToken);
}
