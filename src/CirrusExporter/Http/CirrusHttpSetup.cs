using System.Net;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Refit;

namespace CirrusExporter.Http;

/// <summary>
/// The one named Cirrus HTTP client, on which every collector registers its own generated Refit interface
/// (through <see cref="AddCirrusApi{TApi}"/>), and its resilience pipeline, outermost first: retry (jittered
/// exponential back-off, Retry-After on 429), circuit breaker, global concurrency cap, global adaptive rate
/// (<see cref="AdaptiveRate"/>), and the per-attempt timeout. The collector's deadline bounds the whole through its
/// cancellation token.
/// </summary>
public static class CirrusHttpSetup
{
    public const string ClientName = "cirrus";

    public static IServiceCollection AddCirrusApiClient(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenProvider>();
        services.AddTransient<BearerTokenHandler>();
        services.AddSingleton<ApiClock>();
        services.AddSingleton<AdaptiveRate>();
        services.AddTransient<ApiMetricsHandler>();
        services.AddSingleton<ResponseBodyBudget>();
        services.AddTransient<ResponseBodyHandler>();

        // One name, so one handler chain: every collector's calls share one rate limit, concurrency cap and circuit.
        var client = services.AddHttpClient(ClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<CirrusOptions>>().Value.BaseUrl;
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd($"cirrus-exporter/{BuildInfo.Version}");
            })
            // The factory's own per-request logging (a scope and two Information lines per call, below the
            // System.Net.Http level the logger keeps) cost allocations on every one of thousands of calls a
            // cycle; failures are reported by the collectors and counted in cirrus_api_requests_total.
            .RemoveAllLoggers();
        // Handlers added first wrap the later ones: the pipeline runs once per call, the rest once per attempt.
        client.AddResilienceHandler("cirrus-pipeline", (pipeline, context) =>
            {
                var http = context.ServiceProvider.GetRequiredService<IOptions<CirrusOptions>>().Value.Http;
                var metrics = context.ServiceProvider.GetRequiredService<SelfMetrics>();
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                AddStrategies(pipeline, http, metrics, time,
                    context.ServiceProvider.GetRequiredService<AdaptiveRate>());
            });
        client.AddHttpMessageHandler<BearerTokenHandler>();
        client.AddHttpMessageHandler<ApiMetricsHandler>();
        client.AddHttpMessageHandler<ResponseBodyHandler>();
        return services;
    }

    /// <summary>
    /// Registers a collector's Refit interface (source-generated) on the one named client; every request it sends
    /// carries <paramref name="endpoint"/> (<see cref="ApiEndpoint"/>). Each registration sets the client's primary
    /// handler from these settings: a redirect is answered as an error (ResponseBodyHandler), never followed to another
    /// origin; gzip, deflate and br are offered and decoded as the body streams, so the size limit ResponseBodyHandler
    /// applies is to the decoded bytes (a small compressed bomb stops at the limit).
    /// </summary>
    public static IServiceCollection AddCirrusApi<TApi>(this IServiceCollection services, string endpoint)
        where TApi : class
    {
        services.AddRefitGeneratedClient<TApi>(
            new RefitSettings
            {
                HttpMessageHandlerFactory = () => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All,
                },
                HttpRequestMessageOptions = new() { [ApiEndpoint.Key.Key] = endpoint },
            }, ClientName);
        return services;
    }

    private static void AddStrategies(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, HttpOptions http, SelfMetrics metrics,
        TimeProvider time, AdaptiveRate rate)
    {
        pipeline.TimeProvider = time;
        if (http.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = http.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = http.RetryBaseDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args =>
                    ValueTask.FromResult(RetryAfter(args.Outcome.Result, http.MaxRetryAfter, time)),
                OnRetry = args =>
                {
                    // The request, not the outcome: a timed-out or refused attempt has no response.
                    var endpoint = ApiEndpoint.Of(args.Context.GetRequestMessage());
                    metrics.ObserveRetry(endpoint);
                    RefreshContext.Current?.RecordRetry();
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = http.CircuitFailureRatio,
            SamplingDuration = http.CircuitSamplingDuration,
            MinimumThroughput = http.CircuitMinimumThroughput,
            BreakDuration = http.CircuitBreakDuration,
            // A full body budget is this process's state, not the API failing.
            ShouldHandle = args => ValueTask.FromResult(
                IsTransient(args.Outcome) && args.Outcome.Exception is not ResponseRejectedException),
        });
        AdaptiveRateStrategy.AddTo(pipeline, rate);
        pipeline.AddTimeout(http.AttemptTimeout);
    }

    /// <summary>
    /// 5xx, 408, 429, attempt timeouts (headers or body), connection errors, broken bodies and a full body
    /// budget are worth another try; 4xx, redirects and oversized bodies are not.
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException or HttpRequestException or ResponseRejectedException { Retryable: true } }
            => true,
        { Exception: not null } => false,
        { Result: { } r } => (int)r.StatusCode >= 500
            || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>
    /// The server's Retry-After (seconds or HTTP date) on 429/503, capped; null means exponential back-off.
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap, TimeProvider time)
    {
        if (response?.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            return null;
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } w) return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > cap ? cap : w;
    }
}
