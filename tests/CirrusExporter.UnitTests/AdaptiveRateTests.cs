using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The adaptive request rate (AIMD) on a fake clock: spacing, decrease on 429, increase when quiet, Retry-After, and
/// the order and number of attempts let through.
/// </summary>
public sealed class AdaptiveRateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly SelfMetrics _metrics = new([]);

    private AdaptiveRate Rate(int ceiling = 40, double step = 2, int quietSeconds = 10, int inFlight = 8) =>
        new(Options.Create(new CirrusOptions
        {
            Http = new HttpOptions
            {
                RateLimitPerSecond = ceiling,
                RateIncreaseStep = step,
                RateIncreaseInterval = TimeSpan.FromSeconds(quietSeconds),
                MaxConcurrency = inFlight,
            },
        }), _time, _metrics);

    private static HttpResponseMessage Throttled(TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (retryAfter is { } r) response.Headers.RetryAfter = new RetryConditionHeaderValue(r);
        return response;
    }

    private string Exposition()
    {
        var buffer = new ArrayBufferWriter<byte>();
        _metrics.Write(new ExpositionWriter(buffer, "acme", false));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task Attempts_are_spaced_evenly_at_the_rate_without_a_burst()
    {
        var rate = Rate(ceiling: 10);
        var first = rate.AcquireAsync(0, CancellationToken.None);
        var second = rate.AcquireAsync(0, CancellationToken.None);
        var third = rate.AcquireAsync(0, CancellationToken.None);

        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await second;
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await third;
    }

    [Fact]
    public async Task Waiting_attempts_of_a_lower_rank_go_first_then_in_order_of_arrival()
    {
        var rate = Rate(ceiling: 10);
        await rate.AcquireAsync(0, CancellationToken.None);
        var detail = rate.AcquireAsync(2, CancellationToken.None).AsTask();
        var laterDetail = rate.AcquireAsync(2, CancellationToken.None).AsTask();
        var paging = rate.AcquireAsync(0, CancellationToken.None).AsTask();
        var laterPaging = rate.AcquireAsync(0, CancellationToken.None).AsTask();

        var pending = new Dictionary<Task<long>, string>
        {
            [detail] = "detail", [laterDetail] = "later detail", [paging] = "paging", [laterPaging] = "later paging",
        };
        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            // One turn a spacing: the attempt given it resumes on the thread pool, the others keep waiting.
            _time.Advance(TimeSpan.FromMilliseconds(100));
            var given = await Task.WhenAny(pending.Keys).WaitAsync(TimeSpan.FromSeconds(10));
            order.Add(pending[given]);
            pending.Remove(given);
        }
        Assert.Equal(["paging", "later paging", "detail", "later detail"], order);
        // Each turn one spacing after the one before: 100 ms at 10 per second.
        var sent = new[] { await paging, await laterPaging, await detail, await laterDetail };
        Assert.Equal(sent.Skip(1).Select((s, i) => s - sent[i]), Enumerable.Repeat(_time.TimestampFrequency / 10, 3));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(0)]
    public async Task At_most_max_concurrency_in_flight_and_a_freed_place_goes_to_the_lowest_rank(int ceiling)
    {
        var rate = Rate(ceiling, inFlight: 2);
        var first = await rate.AcquireAsync(2, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await rate.AcquireAsync(2, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var detail = rate.AcquireAsync(2, CancellationToken.None).AsTask();
        var paging = rate.AcquireAsync(0, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(detail.IsCompleted || paging.IsCompleted, "a third attempt went in flight with two places");

        rate.Observe(first, null);
        await paging.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(detail.IsCompleted);
        rate.Observe(second, null);
        await detail.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_429_halves_the_rate_once_for_the_attempts_that_were_in_flight_and_again_for_later_ones()
    {
        var rate = Rate(ceiling: 40);
        var inFlight = await rate.AcquireAsync(0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(25));
        var alsoInFlight = await rate.AcquireAsync(0, CancellationToken.None);

        using (var response = Throttled()) rate.Observe(inFlight, response);
        Assert.Equal(20, rate.Current);
        using (var response = Throttled()) rate.Observe(alsoInFlight, response);
        Assert.Equal(20, rate.Current); // sent at the old rate: no second cut

        _time.Advance(TimeSpan.FromMilliseconds(50));
        var later = await rate.AcquireAsync(0, CancellationToken.None);
        using (var response = Throttled()) rate.Observe(later, response);
        Assert.Equal(10, rate.Current);
        Assert.Contains("cirrus_api_request_rate_limit{tenant=\"acme\"} 10\n", Exposition());
    }

    [Fact]
    public async Task The_rate_never_falls_below_one_request_per_second()
    {
        var rate = Rate(ceiling: 4);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var sent = await rate.AcquireAsync(0, CancellationToken.None);
            using var response = Throttled();
            rate.Observe(sent, response);
        }
        Assert.Equal(AdaptiveRate.Floor, rate.Current);
    }

    [Fact]
    public async Task Each_quiet_interval_adds_one_step_up_to_the_ceiling()
    {
        var rate = Rate(ceiling: 40, step: 2, quietSeconds: 10);
        var sent = await rate.AcquireAsync(0, CancellationToken.None);
        using (var response = Throttled()) rate.Observe(sent, response);
        Assert.Equal(20, rate.Current);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(20, rate.Current);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(22, rate.Current);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(28, rate.Current);
        Assert.Contains("cirrus_api_request_rate_limit{tenant=\"acme\"} 28\n", Exposition());
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(40, rate.Current);
    }

    [Fact]
    public async Task Other_answers_change_nothing()
    {
        var rate = Rate(ceiling: 40);
        HttpStatusCode[] codes =
        [
            HttpStatusCode.OK, HttpStatusCode.InternalServerError,
            HttpStatusCode.ServiceUnavailable, HttpStatusCode.Unauthorized,
        ];
        foreach (var code in codes)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var sent = await rate.AcquireAsync(0, CancellationToken.None);
            using var response = new HttpResponseMessage(code);
            rate.Observe(sent, response);
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        // No answer: a timeout or a refused connection.
        rate.Observe(await rate.AcquireAsync(0, CancellationToken.None), null);
        Assert.Equal(40, rate.Current);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Retry_after_holds_every_attempt_until_it_has_passed(HttpStatusCode code)
    {
        var rate = Rate(ceiling: 40);
        var sent = await rate.AcquireAsync(0, CancellationToken.None);
        using (var response = new HttpResponseMessage(code))
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
            rate.Observe(sent, response);
        }

        var next = rate.AcquireAsync(0, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await next;
    }

    [Fact]
    public async Task A_wait_ends_with_its_cancellation()
    {
        var rate = Rate(ceiling: 1);
        await rate.AcquireAsync(0, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = rate.AcquireAsync(0, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Cancelled_waits_give_their_turns_back_so_no_backlog_outlives_them()
    {
        var rate = Rate(ceiling: 1);
        await rate.AcquireAsync(0, CancellationToken.None);
        using (var cancel = new CancellationTokenSource())
        {
            var abandoned = Enumerable.Range(0, 10).Select(_ => rate.AcquireAsync(0, cancel.Token).AsTask()).ToArray();
            await cancel.CancelAsync();
            foreach (var wait in abandoned) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        }

        var next = rate.AcquireAsync(0, CancellationToken.None);
        var after = rate.AcquireAsync(0, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10)); // the first turn given back, not the eleventh
        Assert.False(after.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await after;
    }

    [Fact]
    public async Task In_the_pipeline_a_429_lowers_the_rate_and_the_answer_is_passed_on()
    {
        var rate = Rate(ceiling: 40);
        var pipeline = AdaptiveRateStrategy.AddTo(new ResiliencePipelineBuilder<HttpResponseMessage>(), rate).Build();

        using var answer = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(Throttled()));

        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.Equal(20, rate.Current);
    }

    [Fact]
    public void Without_a_limit_there_is_nothing_to_adapt_and_no_series()
    {
        Assert.False(Rate(ceiling: 0).Enabled);
        Assert.Contains("# TYPE cirrus_api_request_rate_limit gauge\n", Exposition());
        Assert.DoesNotContain("cirrus_api_request_rate_limit{", Exposition());
    }
}
