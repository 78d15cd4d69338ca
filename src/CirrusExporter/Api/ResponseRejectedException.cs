using System.Net;

namespace CirrusExporter.Api;

/// <summary>
/// A response refused before parsing: too large, over the process-wide body budget, or a redirect. The
/// attempt still counts under its HTTP code; <see cref="Reason"/> is the reason label of
/// cirrus_api_responses_rejected_total.
/// </summary>
public sealed class ResponseRejectedException(string reason, HttpStatusCode statusCode, string message, bool retryable)
    : Exception(UpstreamText.Safe(message))
{
    public const string TooLarge = "too_large";
    public const string MemoryBudget = "memory_budget";
    public const string Redirect = "redirect";

    public static readonly IReadOnlyList<string> Reasons = [TooLarge, MemoryBudget, Redirect];

    public string Reason { get; } = reason;

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Only a full budget is worth another try: the other bodies holding it are released soon.</summary>
    public bool Retryable { get; } = retryable;
}
