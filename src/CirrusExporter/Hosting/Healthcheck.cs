using CirrusExporter.Configuration;
using CirrusExporter.Web;

namespace CirrusExporter.Hosting;

/// <summary>
/// `cirrus-exporter healthcheck`: a shell-free container health check against the local /healthz. With a
/// web configuration file it speaks HTTPS to itself on loopback (its own certificate is not checked: it
/// names the host, not 127.0.0.1), and with basic auth a 401 also means alive, since the check has no
/// password, only the hashes.
/// </summary>
public static class Healthcheck
{
    public static async Task<int> RunAsync(IConfiguration configuration)
    {
        var address = configuration[$"{WebOptions.Section}:ListenAddress"] ?? new WebOptions().ListenAddress;
        if (!ListenEndpoint.TryParse(address, out var endpoint)) return 1;
        var web = WebConfigFile.None;
        if (configuration[$"{WebOptions.Section}:ConfigFile"] is { Length: > 0 } file)
        {
            try { web = WebConfigFile.Load(file); }
            catch (FormatException) { return 1; }
        }

        using var handler = new HttpClientHandler();
        if (web.Tls is not null) handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(
                new Uri($"{(web.Tls is null ? "http" : "https")}://127.0.0.1:{endpoint.Port}/healthz"));
            return response.IsSuccessStatusCode
                || (web.BasicAuthUsers.Count > 0 && response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                ? 0
                : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
