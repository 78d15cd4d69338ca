using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CirrusSimulator.Tests;

public sealed class AuthAndValidationTests
{
    private static readonly string[] ApiPaths =
    [
        "/stats/streams",
        "/stats/streamsSLAExceptions",
        $"/streams/{TestTenants.WhatsApp}/streamavailability?ignoreAutomationExsistance=true",
        $"/streams/{TestTenants.WhatsApp}/substreams/1/streamavailability",
        $"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&unixEndTime=1900000000",
    ];

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, body.GetProperty("status").GetInt32());
        Assert.Equal("Unauthorized", body.GetProperty("description").GetString());
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Every_endpoint_rejects_a_missing_or_wrong_token()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        using var wrong = new HttpClient { BaseAddress = sim.Anonymous.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var basic = new HttpClient { BaseAddress = sim.Anonymous.BaseAddress };
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "test-token");

        foreach (var path in ApiPaths)
        {
            await AssertUnauthorizedAsync(await sim.Anonymous.GetAsync(path));
            await AssertUnauthorizedAsync(await wrong.GetAsync(path));
            await AssertUnauthorizedAsync(await basic.GetAsync(path));
            Assert.Equal(HttpStatusCode.OK, (await sim.Api.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task Revoking_the_token_rejects_every_call_until_faults_are_reset()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults?tokenRevoked=true");
        foreach (var path in ApiPaths)
        {
            await AssertUnauthorizedAsync(await sim.Api.GetAsync(path));
        }

        await sim.AdminAsync(HttpMethod.Post, "/admin/faults/reset");
        Assert.Equal(HttpStatusCode.OK, (await sim.Api.GetAsync(ApiPaths[0])).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?unixStartTime=0")]
    [InlineData("?unixEndTime=1900000000")]
    [InlineData("?unixStartTime=abc&unixEndTime=1900000000")]
    [InlineData("?unixStartTime=1900000000&unixEndTime=0")]
    [InlineData("?unixStartTime=0&unixEndTime=1900000000&sort=sideways")]
    [InlineData("?unixStartTime=0&unixEndTime=1900000000&order=name")]
    [InlineData("?unixStartTime=0&unixEndTime=1900000000&pageNumber=-1")]
    [InlineData("?unixStartTime=0&unixEndTime=1900000000&pageSize=0")]
    [InlineData("?unixStartTime=0&unixEndTime=1900000000&status=1,x")]
    public async Task Objects_without_a_valid_time_range_or_with_bad_parameters_are_a_bad_request(string query)
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var body = await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/objects{query}", HttpStatusCode.BadRequest);

        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("Bad Request", body.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("/streams/999/streamavailability")]
    [InlineData("/streams/abc/streamavailability")]
    [InlineData("/streams/200/substreams/9/streamavailability")]
    [InlineData("/streams/100/substreams/1/streamavailability")]
    [InlineData("/streams/999/objects?unixStartTime=0&unixEndTime=1900000000")]
    public async Task Unknown_streams_and_sub_streams_are_not_found(string path)
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var body = await sim.GetAsync(path, HttpStatusCode.NotFound);

        Assert.Equal(404, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_bad_boolean_flag_is_a_bad_request()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/streamavailability?ignoreAutomationExsistance=maybe",
            HttpStatusCode.BadRequest);
        await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/streamavailability?autoAssign=2",
            HttpStatusCode.BadRequest);
    }
}
