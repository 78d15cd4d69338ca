using CirrusExporter.Api;
using CirrusExporter.Metrics;

namespace CirrusExporter.Http;

/// <summary>
/// Counts and times every attempt (retries included) per endpoint and outcome, and reads the API's clock from its Date.
/// </summary>
public sealed class ApiMetricsHandler(SelfMetrics metrics, ApiClock clock, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = ApiEndpoint.Of(request);
        var start = time.GetTimestamp();
        // Anything that is neither a response nor a cancellation is a transport failure.
        var code = "network_error";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            code = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            RefreshContext.Current?.RecordStatus(response.StatusCode);
            if (response.Headers.Date is { } date) clock.Observe(date);
            return response;
        }
        catch (OperationCanceledException)
        {
            code = "timeout";
            throw;
        }
        catch (ResponseRejectedException e)
        {
            code = ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            metrics.ObserveRejected(endpoint, e.Reason);
            throw;
        }
        finally
        {
            metrics.ObserveRequest(endpoint, code, time.GetElapsedTime(start));
        }
    }
}
