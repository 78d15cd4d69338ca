using CirrusExporter.Api;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CirrusExporter.Http;

/// <summary>
/// One line for logs and the landing page saying why a call failed. Refit wraps transport failures, so the
/// exception chain is searched; upstream text in it is escaped and cut (<see cref="UpstreamText"/>).
/// </summary>
public static class FailureDescription
{
    public static string Of(Exception e, string collector, TimeSpan deadline)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            var line = x switch
            {
                CirrusApiException or ResponseRejectedException or ApiTokenUnavailableException => x.Message,
                TimeoutRejectedException t => $"{collector}: every attempt timed out after "
                    + $"{t.Timeout.TotalSeconds:0.###} s (Cirrus:Http:AttemptTimeout), the last one "
                    + (t.InnerException is ResponseBodyTimeoutException body
                        ? body.Message
                        : "before the response headers arrived"),
                // A fan-out cut short by its deadline says how many streams answered.
                TimeoutException => $"{collector}: {x.Message}",
                BrokenCircuitException => $"{collector}: circuit open after repeated API failures; calls paused",
                OperationCanceledException => $"{collector}: deadline of {deadline} exceeded",
                // ResponseBodyHandler has already put the host and what happened into the message.
                HttpRequestException http => http.Message,
                _ => null,
            };
            if (line is not null) return UpstreamText.Safe(line);
        }
        return UpstreamText.Safe($"{collector}: unexpected {e.GetType().Name}: {e.Message}");
    }
}
