using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Http;

/// <summary>
/// Supplies the bearer token. A token file is re-read when its modification time changes, so a rotated
/// Kubernetes or Docker secret takes effect without a restart.
/// </summary>
public sealed class ApiTokenProvider(IOptions<CirrusOptions> options)
{
    private readonly object _gate = new();
    private DateTime _fileStamp;
    private string? _fileToken;

    public string GetToken()
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.ApiTokenFile)) return o.ApiToken?.Trim() ?? "";
        lock (_gate)
        {
            var stamp = File.GetLastWriteTimeUtc(o.ApiTokenFile);
            if (_fileToken is null || stamp != _fileStamp)
            {
                _fileToken = File.ReadAllText(o.ApiTokenFile).Trim();
                _fileStamp = stamp;
            }
            return _fileToken;
        }
    }
}

/// <summary>Adds the Authorization header on every attempt, with the current token.</summary>
public sealed class BearerTokenHandler(ApiTokenProvider tokens) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", tokens.GetToken());
        return base.SendAsync(request, cancellationToken);
    }
}
