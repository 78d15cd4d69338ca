using System.Net;

namespace CirrusExporter.Api;

/// <summary>
/// A failed API call or an unusable response. Messages name the endpoint, the status and the shape,
/// never the request headers, so the token cannot leak through them.
/// </summary>
public sealed class CirrusApiException(
    string endpoint, string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(UpstreamText.Safe(message), inner)
{
    public string Endpoint { get; } = endpoint;

    public HttpStatusCode? StatusCode { get; } = statusCode;

    public bool IsAuthFailure => StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
