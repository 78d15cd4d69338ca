using System.Net;
using System.Net.Http.Headers;
using CirrusExporter.Http;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CirrusExporter.UnitTests;

public sealed class CirrusHttpSetupTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    private static HttpResponseMessage Response(HttpStatusCode code, RetryConditionHeaderValue? retryAfter = null)
    {
        var response = new HttpResponseMessage(code);
        response.Headers.RetryAfter = retryAfter;
        return response;
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    public void Server_errors_timeouts_and_throttling_are_transient_other_codes_are_not(int code, bool transient)
    {
        using var response = Response((HttpStatusCode)code);
        Assert.Equal(transient, CirrusHttpSetup.IsTransient(Outcome.FromResult(response)));
    }

    [Fact]
    public void Attempt_timeouts_and_connection_errors_are_transient_other_exceptions_are_not()
    {
        Assert.True(
            CirrusHttpSetup.IsTransient(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.True(CirrusHttpSetup.IsTransient(
            Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));
        Assert.False(
            CirrusHttpSetup.IsTransient(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())));
        Assert.False(
            CirrusHttpSetup.IsTransient(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())));
        Assert.False(
            CirrusHttpSetup.IsTransient(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void Retry_after_seconds_is_honoured_on_429_and_503(int code)
    {
        using var response = Response((HttpStatusCode)code, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(7), CirrusHttpSetup.RetryAfter(response, Cap, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void Retry_after_http_date_is_measured_from_the_clock()
    {
        using var response = Response(HttpStatusCode.TooManyRequests,
            new RetryConditionHeaderValue(Now.AddSeconds(20)));
        var time = new FakeTimeProvider(Now);
        Assert.Equal(TimeSpan.FromSeconds(20), CirrusHttpSetup.RetryAfter(response, Cap, time));

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(5), CirrusHttpSetup.RetryAfter(response, Cap, time));
    }

    [Fact]
    public void A_date_in_the_past_means_retry_now()
    {
        using var response = Response(HttpStatusCode.TooManyRequests,
            new RetryConditionHeaderValue(Now.AddSeconds(-30)));
        Assert.Equal(TimeSpan.Zero, CirrusHttpSetup.RetryAfter(response, Cap, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void Long_waits_are_capped()
    {
        using var delta = Response(HttpStatusCode.TooManyRequests,
            new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)));
        using var date = Response(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(Now.AddHours(1)));
        var time = new FakeTimeProvider(Now);
        Assert.Equal(Cap, CirrusHttpSetup.RetryAfter(delta, Cap, time));
        Assert.Equal(TimeSpan.FromSeconds(5), CirrusHttpSetup.RetryAfter(date, TimeSpan.FromSeconds(5), time));
    }

    [Fact]
    public void Without_the_header_exponential_back_off_applies()
    {
        using var response = Response(HttpStatusCode.TooManyRequests);
        Assert.Null(CirrusHttpSetup.RetryAfter(response, Cap, new FakeTimeProvider(Now)));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(408)]
    [InlineData(200)]
    public void Retry_after_on_other_codes_is_ignored(int code)
    {
        using var response = Response((HttpStatusCode)code, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));
        Assert.Null(CirrusHttpSetup.RetryAfter(response, Cap, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void No_response_means_no_retry_after()
    {
        Assert.Null(CirrusHttpSetup.RetryAfter(null, Cap, new FakeTimeProvider(Now)));
    }
}
