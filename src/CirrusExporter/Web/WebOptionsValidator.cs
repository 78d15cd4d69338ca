using System.Net;
using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Web;

public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    /// <summary>The exporter's other paths, which the metrics path must not hide.</summary>
    private static readonly string[] ExporterPaths = ["/", "/healthz", "/readyz", "/-/reload"];

    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var errors = new List<string>();
        if (!ListenEndpoint.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"{WebOptions.Section}:ListenAddress must be host:port, "
                + $"e.g. 0.0.0.0:{WebOptions.DefaultPort} or 127.0.0.1:{WebOptions.DefaultPort}");
        }
        if (!options.TelemetryPath.StartsWith('/') || options.TelemetryPath.Any(char.IsWhiteSpace)
            || ExporterPaths.Contains(options.TelemetryPath))
        {
            errors.Add($"{WebOptions.Section}:TelemetryPath must be a path starting with / "
                + $"other than {string.Join(", ", ExporterPaths)}, e.g. /metrics");
        }
        if (options.MaxConcurrentScrapes is < 1 or > 10_000)
            errors.Add($"{WebOptions.Section}:MaxConcurrentScrapes must be between 1 and 10000");
        if (options.ScrapeTimeout < TimeSpan.FromSeconds(1) || options.ScrapeTimeout > TimeSpan.FromHours(1))
            errors.Add($"{WebOptions.Section}:ScrapeTimeout must be between 00:00:01 and 01:00:00");
        if (options.MinResponseBytesPerSecond < 0)
            errors.Add($"{WebOptions.Section}:MinResponseBytesPerSecond must be 0 (no limit) or more");
        if (options.ConfigFile.Length > 0)
        {
            try { _ = WebConfigFile.Load(options.ConfigFile); }
            catch (FormatException e) { errors.Add($"{WebOptions.Section}:ConfigFile: {e.Message}"); }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class ListenEndpoint
{
    /// <summary>
    /// Parses "host:port" (host may be an IP, [v6], "localhost", or "*" or nothing for every address, as ":9878" in Go
    /// exporters).
    /// </summary>
    public static bool TryParse(string value, out (string Host, int Port) endpoint)
    {
        endpoint = default;
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535) return false;
        var host = colon == 0 ? "*" : value[..colon];
        if (host is not ("*" or "localhost") && !IPAddress.TryParse(host.Trim('[', ']'), out _)) return false;
        endpoint = (host, port);
        return true;
    }
}
