using System.Globalization;
using CirrusSimulator.Admin;
using CirrusSimulator.Simulation;

namespace CirrusSimulator.Api;

/// <summary>
/// In front of every Cirrus endpoint, in this order: count the call, add latency, check the token (or the revoke
/// switch), throttle (429: over the hidden rate limit, or by chance), fail (500), then let the endpoint answer,
/// possibly with its body cut short. Also guards /admin with the admin token when one is configured.
/// </summary>
internal sealed class GuardMiddleware(
    RequestDelegate next, SimulatorOptions options, FaultState faults, CallCounter calls, SimulatedClock clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<CirrusEndpoint>() is { } endpoint)
        {
            await GuardApiAsync(context, endpoint);
        }
        else if (metadata?.GetMetadata<AdminEndpoint>() is not null
            && !string.IsNullOrEmpty(options.AdminToken) && !Http.HasBearer(context, options.AdminToken))
        {
            await AdminApi.Error(context, StatusCodes.Status401Unauthorized, "admin token required");
        }
        else
        {
            await next(context);
        }
    }

    private async Task GuardApiAsync(HttpContext context, CirrusEndpoint endpoint)
    {
        calls.Increment(CirrusEndpoint.Of(endpoint, context.Request));
        // The simulated clock, as a real API's Date agrees with its own timestamps; the exporter measures skew from it.
        context.Response.Headers.Date = clock.Now.ToString("r", CultureInfo.InvariantCulture);
        var current = faults.Current;
        if (current.LatencyMs > 0)
        {
            await Task.Delay(current.LatencyMs, context.RequestAborted);
        }
        if (current.TokenRevoked || !Http.HasBearer(context, options.Token))
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized);
            return;
        }
        if ((current.RateLimitPerSecond > 0 && !faults.WithinRate(current.RateLimitPerSecond))
            || faults.Hits(current.ThrottleRate))
        {
            if (current.RetryAfterSeconds > 0)
            {
                context.Response.Headers.RetryAfter = current.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests);
            return;
        }
        if (faults.Hits(current.ErrorRate))
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError);
            return;
        }
        if (faults.Hits(current.MalformedRate))
        {
            await TruncatedAsync(context);
            return;
        }
        await next(context);
    }

    private Task ErrorAsync(HttpContext context, int status) =>
        Http.WriteJsonAsync(context, status, CirrusJson.Error(status, clock.Now));

    /// <summary>Lets the endpoint answer into a buffer, then sends only the first half of the body.</summary>
    private async Task TruncatedAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var length = (int)(buffer.Length / 2);
        context.Response.ContentLength = length;
        await original.WriteAsync(buffer.GetBuffer().AsMemory(0, length), context.RequestAborted);
    }
}
