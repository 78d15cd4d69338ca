using CirrusExporter.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace CirrusExporter.ContractTests;

public sealed class TokenFileTests : IDisposable
{
    private readonly Upstream _api = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cirrus-token-");

    public void Dispose()
    {
        _api.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_token_file_deleted_while_running_fails_the_refresh_with_a_message_naming_the_file_and_makes_no_call()
    {
        _api.Json("/stats/streams",
            Upstream.Envelope("""[{"moduleId":9,"streamId":1,"subStreamId":0,"statusId":1,"c":2}]"""));
        var file = Path.Combine(_dir.FullName, "cirrus_token");
        await File.WriteAllTextAsync(file, TestExporter.Token + "\n");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var exporter = TestExporter.Start(_api.Url,
            Settings.Only("stream_stats", ("Cirrus:ApiTokenFile", file)), time);
        Assert.True(await exporter.RefreshAsync("stream_stats"));

        File.Delete(file);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await exporter.RefreshAsync("stream_stats"));

        Assert.Equal(1, _api.Calls("/stats/streams"));
        var expected = $"the token file {file} (Cirrus:ApiTokenFile) does not exist";
        Assert.Contains(exporter.Logs.AtLeast(LogEventLevel.Warning), l => l.Contains(expected));
        Assert.Contains(expected, await exporter.GetAsync("/"));
    }
}
