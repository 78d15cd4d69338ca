using CirrusExporter.TestSupport;

namespace CirrusExporter.ContractTests;

/// <summary>
/// The token must never reach logs, metrics, pages or exception text. Every test's TestExporter checks
/// its own output on dispose; this one drives every failure path through one exporter at Debug level.
/// </summary>
public sealed class TokenSecrecyTests : IDisposable
{
    private readonly Upstream _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task The_token_is_sent_upstream_but_appears_in_no_log_metric_page_or_error()
    {
        _api.Json("/stats/streams", """{"status":401,"description":"Unauthorized"}""", 401);
        _api.Json("/stats/streamsSLAExceptions", """{"status":200,"data":{"Item1":[{"moduleId":9,""", 200);
        _api.Respond("/streams/11345/streamavailability", r => r.WithStatusCode(500));
        _api.Respond("/streams/11345/objects", r => r.WithDelay(TimeSpan.FromSeconds(4)).WithBody("[]"));
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>
        {
            ["Cirrus:Streams:0:Id"] = "11345",
            ["Cirrus:Http:AttemptTimeout"] = "00:00:01",
            ["Cirrus:Http:MaxRetries"] = "1",
            ["Log:Level"] = "Verbose",
        });

        Assert.False(await exporter.RefreshAllAsync());

        Assert.All(_api.Server.LogEntries,
            e => Assert.Equal("Bearer " + TestExporter.Token, e.RequestMessage.Headers!["Authorization"].Single()));
        var outputs = new List<string>(exporter.Logs.Lines)
        {
            (await exporter.ScrapeAsync()).Text,
            await exporter.GetAsync("/"),
            (await exporter.GetWithStatusAsync("/readyz")).Body,
        };
        foreach (var expected in new[] { "HTTP 401", "malformed JSON", "HTTP 500", "timed out" })
        {
            Assert.True(outputs.Any(o => o.Contains(expected)),
                $"no output mentions {expected}:\n{string.Join("\n", exporter.Logs.Lines)}");
        }
        Assert.All(outputs, o => Assert.DoesNotContain(TestExporter.Token, o));
        Assert.All(outputs, o => Assert.DoesNotContain(TestExporter.Token[4..], o));
    }
}
