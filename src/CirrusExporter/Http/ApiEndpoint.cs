namespace CirrusExporter.Http;

/// <summary>
/// The <c>endpoint</c> label of a request's self-metrics: each collector's call interface stamps its collector's label
/// on every request it sends (<see cref="CirrusHttpSetup.AddCirrusApi{TApi}"/>), so two collectors on one route count
/// apart.
/// </summary>
public static class ApiEndpoint
{
    public static readonly HttpRequestOptionsKey<string> Key = new("cirrus.endpoint");

    /// <summary>
    /// The label stamped on <paramref name="request"/>, or <c>other</c> for a request no collector sent.
    /// </summary>
    public static string Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var endpoint) ? endpoint : "other";
}
