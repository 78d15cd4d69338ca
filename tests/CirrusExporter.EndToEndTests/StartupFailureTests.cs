using System.Net;
using System.Net.Sockets;
using CirrusExporter.TestSupport;

namespace CirrusExporter.EndToEndTests;

/// <summary>
/// Start-up problems end the process with exit code 2 and one line naming the key, before any API call.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_listen_port_already_in_use_gives_one_line_naming_web_listen_address_and_no_api_call()
    {
        await using var api = new HostileUpstream();
        api.On("/stats/streams", HostileUpstream.Json("""{"status":200,"data":[]}"""));
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var (code, stdout, stderr) = await ExporterProcess.RunAsync(
            new Dictionary<string, string> { ["Cirrus__ApiToken"] = "t" },
            $"--Web:ListenAddress=127.0.0.1:{port}", $"--Cirrus:BaseUrl={api.Url}");

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"cirrus-exporter: cannot listen on Web:ListenAddress 127.0.0.1:{port}: the address is already in "
            + "use by another process; stop it or choose a free port", line);
        Assert.Equal("", stdout);
        Assert.Equal(0, api.TotalCalls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t\n")]
    public async Task A_blank_token_file_fails_the_configuration_check(string content)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, content);
            var (code, _, stderr) = await ExporterProcess.RunAsync(
                new Dictionary<string, string> { ["Cirrus__ApiTokenFile"] = file }, "--check-config");

            Assert.Equal(2, code);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("Cirrus:ApiTokenFile names a file that is empty or holds only whitespace", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_blank_inline_token_fails_the_configuration_check(string token)
    {
        var (code, _, stderr) = await ExporterProcess.RunAsync(
            new Dictionary<string, string> { ["Cirrus__ApiToken"] = token }, "--check-config");

        Assert.Equal(2, code);
        Assert.Contains("Cirrus:ApiToken is required and must not be blank",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
