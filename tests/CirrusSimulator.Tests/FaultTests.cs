using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CirrusSimulator.Api;

namespace CirrusSimulator.Tests;

public sealed class FaultTests
{
    private const string Stats = "/stats/streams";

    [Fact]
    public async Task Latency_delays_every_api_answer()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?latencyMs=400");

        var watch = Stopwatch.StartNew();
        await sim.GetAsync(Stats);

        Assert.True(watch.ElapsedMilliseconds >= 400, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Error_rate_answers_that_fraction_of_calls_with_500()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?errorRate=1");
        var failed = await sim.GetAsync(Stats, HttpStatusCode.InternalServerError);
        Assert.Equal(500, failed.GetProperty("status").GetInt32());
        Assert.Equal("Internal Server Error", failed.GetProperty("description").GetString());

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?errorRate=0.5");
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await sim.Api.GetAsync(Stats);
            codes.Add(response.StatusCode);
        }
        Assert.InRange(codes.Count(c => c == HttpStatusCode.InternalServerError), 8, 32);
        Assert.Equal(40, codes.Count(c => c is HttpStatusCode.InternalServerError or HttpStatusCode.OK));
    }

    [Fact]
    public async Task Throttling_answers_429_with_or_without_retry_after()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?throttleRate=1&retryAfterSeconds=7");
        using (var response = await sim.Api.GetAsync(Stats))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(429, body.GetProperty("status").GetInt32());
            Assert.Equal("Too Many Requests", body.GetProperty("description").GetString());
        }

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?retryAfterSeconds=0");
        using (var response = await sim.Api.GetAsync($"/streams/{TestTenants.WhatsApp}/streamavailability"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Null(response.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task A_hidden_rate_limit_answers_429_beyond_one_seconds_burst_and_refills_with_time()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?rateLimitPerSecond=40");

        async Task<int> Refused(int calls)
        {
            var refused = 0;
            for (var i = 0; i < calls; i++)
            {
                using var response = await sim.Api.GetAsync(Stats);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) refused++;
                else Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            return refused;
        }

        Assert.Equal(5, await Refused(45)); // the clock stands still: one second's worth, then 429
        sim.Time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, await Refused(12)); // a quarter of a second refills ten
        sim.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await Refused(41)); // never more than one second's worth at once
        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?rateLimitPerSecond=0");
        Assert.Equal(0, await Refused(20));
    }

    [Fact]
    public async Task Malformed_bodies_are_cut_short_json()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        var whole = (await sim.GetAsync("/stats/streamsSLAExceptions")).GetRawText();
        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?malformedRate=1");

        using var response = await sim.Api.GetAsync("/stats/streamsSLAExceptions");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(whole.Length / 2, body.Length);
        Assert.StartsWith(body[..20], whole);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task Reset_clears_every_fault()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?latencyMs=5&errorRate=0.1&throttleRate=0.2&"
            + "retryAfterSeconds=3&tokenRevoked=true&malformedRate=0.3&rateLimitPerSecond=40");

        var set = await sim.AdminAsync(HttpMethod.Get, "/admin/faults");
        var reset = await sim.AdminAsync(HttpMethod.Post, "/admin/faults/reset");

        Assert.Equal("""{"latencyMs":5,"errorRate":0.1,"throttleRate":0.2,"retryAfterSeconds":3,"tokenRevoked":"""
            + """true,"malformedRate":0.3,"rateLimitPerSecond":40}""", set.GetRawText());
        Assert.Equal("""{"latencyMs":0,"errorRate":0,"throttleRate":0,"retryAfterSeconds":0,"tokenRevoked":"""
            + """false,"malformedRate":0,"rateLimitPerSecond":0}""", reset.GetRawText());
        await sim.GetAsync(Stats);
    }

    [Theory]
    [InlineData("errorRate=1.5")]
    [InlineData("latencyMs=-1")]
    [InlineData("tokenRevoked=perhaps")]
    [InlineData("throttleRate=abc")]
    public async Task Invalid_fault_settings_are_refused_and_change_nothing(string query)
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var error = await sim.AdminAsync(HttpMethod.Post, $"/admin/faults?latencyMs=1&{query}",
            HttpStatusCode.BadRequest);

        Assert.Contains(query.Split('=')[0], error.GetProperty("error").GetString());
        Assert.Equal(0, (await sim.AdminAsync(HttpMethod.Get, "/admin/faults")).GetProperty("latencyMs").GetInt32());
    }

    [Fact]
    public async Task Faults_can_be_active_from_the_options()
    {
        var options = TestTenants.Options();
        options.Faults.ThrottleRate = 1;
        await using var sim = await RunningSimulator.StartAsync(options);

        await sim.GetAsync(Stats, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_forced_breach_adds_waiting_conversations_past_their_sla_to_the_breach_list()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        static int Breached(JsonElement data) => data.GetProperty("Item1").EnumerateArray()
            .Where(r => r.GetProperty("streamId").GetInt64() == TestTenants.WhatsApp
                && r.GetProperty("subStreamId").GetInt64() == 2)
            .Sum(r => r.GetProperty("c").GetInt32());
        var before = Breached(await sim.DataAsync("/stats/streamsSLAExceptions"));
        var openBefore = (await sim.AllObjectsAsync(TestTenants.WhatsApp, "1", subStream: 2)).Count;

        var result = await sim.AdminAsync(HttpMethod.Post,
            $"/admin/streams/{TestTenants.WhatsApp}/breach?count=5&subStreamId=2");

        Assert.Equal(5, result.GetProperty("injected").GetInt32());
        Assert.Equal(before + 5, Breached(await sim.DataAsync("/stats/streamsSLAExceptions")));
        var open = await sim.AllObjectsAsync(TestTenants.WhatsApp, "1", subStream: 2);
        Assert.Equal(openBefore + 5, open.Count);
        // Created 1.25 x the 600 s SLA ago, and still unanswered.
        Assert.Equal(5, open.Count(o => o.GetProperty("createdTime").GetString() == "2026-03-04T09:47:30.000Z"
            && o.GetProperty("firstResponseTime").ValueKind == JsonValueKind.Null));

        // Agents leave them alone for the hold time (15 minutes by default), so the breach stays visible.
        await sim.AdvanceAsync(TimeSpan.FromMinutes(14));
        Assert.True(Breached(await sim.DataAsync("/stats/streamsSLAExceptions")) >= 5);
    }

    [Theory]
    [InlineData("/admin/streams/999/breach?count=1", HttpStatusCode.NotFound)]
    [InlineData("/admin/streams/200/breach?count=1&subStreamId=9", HttpStatusCode.NotFound)]
    [InlineData("/admin/streams/300/breach?count=1", HttpStatusCode.Conflict)]
    [InlineData("/admin/streams/200/breach?count=0", HttpStatusCode.BadRequest)]
    public async Task A_forced_breach_needs_an_active_known_stream_and_a_count(string path, HttpStatusCode expected)
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.AdminAsync(HttpMethod.Post, path, expected);
    }

    [Fact]
    public void An_endpoint_on_another_ones_route_leaves_that_ones_plain_request_to_it()
    {
        var plain = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        var taking = CirrusEndpoint.All.Where(e => e.Route is not null && e.Asks?.Invoke(plain) != false)
            .Select(e => $"{e.Name} (on {e.Route!.Name}'s route)");
        Assert.True(!taking.Any(), $"{string.Join(", ", taking)}: its Asks in CirrusEndpoint "
            + "(src/CirrusSimulator/Api/Endpoints.cs) is missing or takes the route's request without a query too, so "
            + "the route's own calls would count under it; tell its request apart, and where it is the same request "
            + "as the other collector's, read that collector's answer instead (CONTRIBUTING.md, Adding a collector)");
    }

    [Fact]
    public async Task Calls_are_counted_per_endpoint_whatever_their_outcome_and_can_be_reset()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.GetAsync(Stats);
        await sim.GetAsync(Stats);
        await sim.GetAsync("/stats/streamsSLAExceptions");
        await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/streamavailability");
        await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/substreams/1/streamavailability");
        await sim.GetAsync($"/streams/999/streamavailability", HttpStatusCode.NotFound);
        await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/objects", HttpStatusCode.BadRequest);
        using (var rejected = await sim.Anonymous.GetAsync(Stats))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        // Every endpoint the simulator serves is counted, in CirrusEndpoint's order, uncalled ones as 0.
        var called = new Dictionary<string, long>
        {
            ["availability"] = 3, ["stream_stats"] = 3, ["sla_exceptions"] = 1,
            ["objects"] = 1
        };
        var counts = await sim.AdminAsync(HttpMethod.Get, "/admin/calls");
        Assert.Equal(CirrusEndpoint.All.Select(e => (e.Name, called.GetValueOrDefault(e.Name))),
            counts.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));

        var reset = await sim.AdminAsync(HttpMethod.Post, "/admin/calls/reset");
        Assert.Equal(CirrusEndpoint.All.Select(e => (e.Name, 0L)),
            reset.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));
        await sim.GetAsync(Stats);
        Assert.Equal(1, (await sim.AdminAsync(HttpMethod.Get, "/admin/calls")).GetProperty("stream_stats").GetInt64());
    }

    [Fact]
    public async Task An_admin_token_guards_the_admin_api_and_is_not_the_api_token()
    {
        var options = TestTenants.Options();
        options.AdminToken = "admin-secret";
        await using var sim = await RunningSimulator.StartAsync(options);

        await sim.AdminAsync(HttpMethod.Get, "/admin/calls", HttpStatusCode.Unauthorized);
        using var withApiToken = await sim.Api.GetAsync("/admin/calls");
        Assert.Equal(HttpStatusCode.Unauthorized, withApiToken.StatusCode);
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/admin/calls");
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var allowed = await sim.Anonymous.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
