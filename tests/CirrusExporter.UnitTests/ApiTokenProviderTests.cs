using CirrusExporter.Configuration;
using CirrusExporter.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

public sealed class ApiTokenProviderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cirrus-token-");

    public void Dispose() => _dir.Delete(recursive: true);

    private readonly FakeTimeProvider _time = new();

    private ApiTokenProvider Provider(CirrusOptions o) => new(Options.Create(o), _time);

    private static void Write(string path, string text) => File.WriteAllText(path, text);

    [Fact]
    public void A_reload_naming_another_token_file_takes_its_token_at_once()
    {
        var (first, second) = (Path.Combine(_dir.FullName, "first"), Path.Combine(_dir.FullName, "second"));
        Write(first, "one\n");
        Write(second, "two\n");
        var options = new CirrusOptions { ApiTokenFile = first };
        var provider = Provider(options);
        Assert.Equal("one", provider.GetToken());

        options.ApiTokenFile = second; // what a reload that names another file gives the provider
        Assert.Equal("two", provider.GetToken());
    }

    [Fact]
    public void The_configured_token_is_trimmed()
    {
        Assert.Equal("abc", Provider(new CirrusOptions { ApiToken = " abc\n" }).GetToken());
    }

    [Fact]
    public void A_token_file_wins_over_the_token_and_is_re_read_after_five_seconds()
    {
        var path = Path.Combine(_dir.FullName, "token");
        Write(path, "first\n");
        var provider = Provider(new CirrusOptions { ApiToken = "ignored", ApiTokenFile = path });
        Assert.Equal("first", provider.GetToken());

        Write(path, "second\n");
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("first", provider.GetToken());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("second", provider.GetToken());
    }

    [Theory]
    [InlineData(true, "does not exist")]
    [InlineData(false, "is empty")]
    public void A_token_file_deleted_or_emptied_while_running_fails_calls_with_a_message_naming_the_file(bool delete,
        string expected)
    {
        var path = Path.Combine(_dir.FullName, "token");
        Write(path, "first\n");
        var provider = Provider(new CirrusOptions { ApiTokenFile = path });
        Assert.Equal("first", provider.GetToken());

        if (delete) File.Delete(path);
        else Write(path, "  \n");
        _time.Advance(TimeSpan.FromSeconds(5));

        var e = Assert.Throws<ApiTokenUnavailableException>(provider.GetToken);
        Assert.StartsWith($"the token file {path} (Cirrus:ApiTokenFile) {expected}", e.Message);
        Assert.DoesNotContain("first", e.Message);
    }

    [Fact]
    public void A_secret_rotated_behind_a_symlink_is_picked_up()
    {
        // Kubernetes secret volumes: token -> ..data/token, and ..data is swapped to a new folder on rotation.
        var v1 = Directory.CreateDirectory(Path.Combine(_dir.FullName, "v1"));
        var v2 = Directory.CreateDirectory(Path.Combine(_dir.FullName, "v2"));
        Write(Path.Combine(v1.FullName, "token"), "first");
        Write(Path.Combine(v2.FullName, "token"), "second");
        var data = Path.Combine(_dir.FullName, "..data");
        Directory.CreateSymbolicLink(data, v1.FullName);
        var token = Path.Combine(_dir.FullName, "token");
        File.CreateSymbolicLink(token, Path.Combine(data, "token"));
        var provider = Provider(new CirrusOptions { ApiTokenFile = token });
        Assert.Equal("first", provider.GetToken());

        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, v2.FullName);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("second", provider.GetToken());
    }
}
