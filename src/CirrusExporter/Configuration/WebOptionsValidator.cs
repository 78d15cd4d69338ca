using System.Net;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Configuration;

public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options) =>
        ListenEndpoint.TryParse(options.ListenAddress, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{WebOptions.Section}:ListenAddress must be host:port, e.g. 0.0.0.0:{WebOptions.DefaultPort} or 127.0.0.1:{WebOptions.DefaultPort}");
}

public static class ListenEndpoint
{
    /// <summary>Parses "host:port" (host may be an IP, [v6], "localhost" or "*").</summary>
    public static bool TryParse(string value, out (string Host, int Port) endpoint)
    {
        endpoint = default;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535) return false;
        var host = value[..colon];
        if (host is not ("*" or "localhost") && !IPAddress.TryParse(host.Trim('[', ']'), out _)) return false;
        endpoint = (host, port);
        return true;
    }
}
