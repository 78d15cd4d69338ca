using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.ContractTests;

public sealed class LandingPageTests : IDisposable
{
    private readonly Upstream _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Landing_page_shows_version_links_and_each_collectors_last_success_and_error()
    {
        _api.Json("/stats/streams",
            Upstream.Envelope("""[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":2}]"""));
        _api.Json("/stats/streamsSLAExceptions", Upstream.Envelope("""{"<b>":[]}"""));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        _api.Clock = time;
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>
        {
            ["Cirrus:Collectors:Availability:Enabled"] = "false",
            ["Cirrus:Collectors:Objects:Enabled"] = "false",
        }, time);

        Assert.True(await exporter.RefreshAsync("stream_stats"));
        Assert.False(await exporter.RefreshAsync("sla_exceptions"));
        var (status, page) = await exporter.GetWithStatusAsync("/");

        Assert.Equal(200, status);
        Assert.Contains("<a href=\"metrics\">/metrics</a>", page);
        Assert.Contains("<a href=\"readyz\">/readyz</a>", page);
        Assert.Contains($"Version {CirrusExporter.Metrics.BuildInfo.Version}", page);
        Assert.Contains("<td>stream_stats</td><td>30 s</td><td class=\"ok\">ok</td><td>2026-11-27 09:00:00Z</td>",
            page);
        Assert.Contains("<td>sla_exceptions</td><td>30 s</td><td class=\"bad\">stale</td><td>never</td>", page);
        // Upstream text is escaped, never injected.
        Assert.Contains("unrecognised SLA data", page);
        Assert.Contains("object{&lt;b&gt;:array}", page);
        Assert.Contains("<td>availability</td><td>30 s</td><td class=\"bad\">disabled</td>", page);
        Assert.Contains("1 streams and sub-streams watched", page);
        Assert.DoesNotContain("Demo mode", page);
    }
}
