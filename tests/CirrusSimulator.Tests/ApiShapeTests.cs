using System.Text.Json;
using System.Text.RegularExpressions;

namespace CirrusSimulator.Tests;

public sealed partial class ApiShapeTests
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")]
    private static partial Regex SevenDigitTime();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]
    private static partial Regex MillisecondTime();

    private static readonly string[] RowFields = ["moduleId", "streamId", "subStreamId", "statusId", "c"];

    private static readonly string[] ObjectFields =
        ["objectId", "streamId", "substreamId", "statusId", "type", "createdTime", "updatedTime", "firstResponseTime",
            "closedTime", "numTags"];

    private static void AssertEnvelope(JsonElement body)
    {
        Assert.Equal(["status", "description", "response_time", "data"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, body.GetProperty("status").GetInt32());
        Assert.Equal("Operation successful", body.GetProperty("description").GetString());
        Assert.Matches(SevenDigitTime(), body.GetProperty("response_time").GetString());
    }

    private static void AssertRow(JsonElement row)
    {
        Assert.Equal(RowFields, row.EnumerateObject().Select(p => p.Name));
        Assert.All(row.EnumerateObject(), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));
        Assert.True(row.GetProperty("c").GetInt32() > 0, "groups with no conversations are left out");
    }

    [Fact]
    public async Task The_date_header_is_the_simulated_clock_as_the_envelope_times_are_even_a_simulated_day_from_the_real_one()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());
        await sim.AdvanceAsync(TimeSpan.FromSeconds(90));

        using var ok = await sim.Api.GetAsync("/stats/streams");
        using var denied = await sim.Anonymous.GetAsync("/stats/streams");

        Assert.Equal(RunningSimulator.Wednesday10.AddSeconds(90), ok.Headers.Date);
        Assert.Equal(RunningSimulator.Wednesday10.AddSeconds(90), denied.Headers.Date);
    }

    [Fact]
    public async Task Stream_stats_are_one_row_per_non_empty_group_in_the_envelope()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var body = await sim.GetAsync("/stats/streams");

        AssertEnvelope(body);
        Assert.Equal("2026-03-04T10:00:00.0000000Z", body.GetProperty("response_time").GetString());
        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, AssertRow);
        var groups = rows.Select(r => (r.GetProperty("streamId").GetInt64(), r.GetProperty("subStreamId").GetInt64(),
            r.GetProperty("statusId").GetInt32())).ToList();
        Assert.Equal(groups.Count, groups.Distinct().Count());
        // Sub-streams show up with their own ids, streams without them as 0; the inactive stream has nothing.
        Assert.Equal([1L, 2L], rows.Where(r => r.GetProperty("streamId").GetInt64() == TestTenants.WhatsApp)
            .Select(r => r.GetProperty("subStreamId").GetInt64()).Distinct().Order());
        var overloaded = rows.Where(r => r.GetProperty("streamId").GetInt64() == TestTenants.OverloadedChat).ToList();
        Assert.NotEmpty(overloaded);
        Assert.All(overloaded, r => Assert.Equal((9, 0L),
            (r.GetProperty("moduleId").GetInt32(), r.GetProperty("subStreamId").GetInt64())));
        Assert.DoesNotContain(rows, r => r.GetProperty("streamId").GetInt64() == TestTenants.InactiveMail);
    }

    [Fact]
    public async Task Sla_exceptions_are_a_tuple_of_breached_and_critical_rows()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var body = await sim.GetAsync("/stats/streamsSLAExceptions");

        AssertEnvelope(body);
        var data = body.GetProperty("data");
        Assert.Equal(["Item1", "Item2"], data.EnumerateObject().Select(p => p.Name));
        var breached = data.GetProperty("Item1").EnumerateArray().ToList();
        var critical = data.GetProperty("Item2").EnumerateArray().ToList();
        Assert.NotEmpty(breached);
        Assert.NotEmpty(critical);
        Assert.All(breached.Concat(critical), AssertRow);
    }

    [Fact]
    public async Task Availability_is_a_state_object_on_both_path_forms()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var stream = await sim.GetAsync(
            $"/streams/{TestTenants.WhatsApp}/streamavailability?ignoreAutomationExsistance=true&autoAssign=false");
        var sub = await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/substreams/2/"
            + "streamavailability?ignoreAutomationExsistance=true&autoAssign=true");
        var oldForm = await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/streamavailability/true");

        foreach (var body in new[] { stream, sub, oldForm })
        {
            AssertEnvelope(body);
            Assert.Equal(["state"], body.GetProperty("data").EnumerateObject().Select(p => p.Name));
            Assert.Equal(1, body.GetProperty("data").GetProperty("state").GetInt32());
        }
    }

    [Fact]
    public async Task Objects_carry_ids_statuses_and_times_but_no_personal_data()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var body = await sim.GetAsync($"/streams/{TestTenants.WhatsApp}/objects?unixStartTime=0&"
            + $"unixEndTime={RunningSimulator.Wednesday10.ToUnixTimeSeconds()}");

        AssertEnvelope(body);
        var objects = body.GetProperty("data").EnumerateArray().ToList();
        Assert.NotEmpty(objects);
        foreach (var o in objects)
        {
            Assert.Equal(ObjectFields, o.EnumerateObject().Select(p => p.Name));
            Assert.Equal(TestTenants.WhatsApp, o.GetProperty("streamId").GetInt64());
            Assert.Contains(o.GetProperty("substreamId").GetInt64(), new[] { 1L, 2L });
            Assert.Equal(4, o.GetProperty("type").GetInt32());
            Assert.Matches(MillisecondTime(), o.GetProperty("createdTime").GetString());
            Assert.Matches(MillisecondTime(), o.GetProperty("updatedTime").GetString());
            foreach (var optional in new[] { "firstResponseTime", "closedTime" })
            {
                var value = o.GetProperty(optional);
                Assert.True(value.ValueKind == JsonValueKind.Null || MillisecondTime().IsMatch(value.GetString()!),
                    $"{optional}: {value}");
            }
        }
        Assert.Contains(objects, o => o.GetProperty("closedTime").ValueKind == JsonValueKind.String);
        Assert.Contains(objects, o => o.GetProperty("firstResponseTime").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Errors_use_the_error_envelope_without_data()
    {
        await using var sim = await RunningSimulator.StartAsync(TestTenants.Options());

        var notFound = await sim.GetAsync("/streams/999999/streamavailability", System.Net.HttpStatusCode.NotFound);

        Assert.Equal(["status", "description", "response_time"], notFound.EnumerateObject().Select(p => p.Name));
        Assert.Equal(404, notFound.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", notFound.GetProperty("description").GetString());
        Assert.Equal("2026-03-04T10:00:00.000Z", notFound.GetProperty("response_time").GetString());
    }
}
