using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Http;

/// <summary>
/// Supplies the bearer token. A token file is re-read every few seconds, so a rotated Docker or
/// Kubernetes secret takes effect without a restart (Kubernetes swaps a symlink, which leaves the
/// file's own modification time unchanged, so the content is what is checked).
/// </summary>
public sealed class ApiTokenProvider(IOptions<CirrusOptions> options, TimeProvider time)
{
    private static readonly TimeSpan RereadAfter = TimeSpan.FromSeconds(5);
    private readonly object _gate = new();
    private DateTimeOffset _readAt;
    private string? _fileToken;
    private string? _filePath;

    public string GetToken()
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.ApiTokenFile)) return o.ApiToken?.Trim() ?? "";
        lock (_gate)
        {
            var now = time.GetUtcNow();
            // A reload may name another file: read it at once.
            if (_fileToken is null || _filePath != o.ApiTokenFile || now - _readAt >= RereadAfter)
            {
                _fileToken = ReadTokenFile(o.ApiTokenFile);
                (_filePath, _readAt) = (o.ApiTokenFile, now);
            }
            return _fileToken;
        }
    }

    /// <summary>
    /// The token in the file; a missing, unreadable or blank file fails the call with a message naming the file.
    /// </summary>
    private static string ReadTokenFile(string path)
    {
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException
                ? "does not exist (deleted or unmounted?)"
                : $"cannot be read ({e.Message})";
            throw new ApiTokenUnavailableException(
                $"the token file {path} (Cirrus:ApiTokenFile) {why}; no API call was made");
        }
        if (token.Length == 0)
        {
            throw new ApiTokenUnavailableException(
                $"the token file {path} (Cirrus:ApiTokenFile) is empty; no API call was made");
        }
        return token;
    }
}

/// <summary>The token could not be had; the message names the file and never holds a token.</summary>
public sealed class ApiTokenUnavailableException(string message) : Exception(message);

/// <summary>Adds the Authorization header on every attempt, with the current token.</summary>
public sealed class BearerTokenHandler(ApiTokenProvider tokens) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", tokens.GetToken());
        return base.SendAsync(request, cancellationToken);
    }
}
