using CirrusExporter.Configuration;

namespace CirrusExporter.Hosting;

/// <summary>`cirrus-exporter healthcheck`: a shell-free container health check against the local /healthz.</summary>
public static class Healthcheck
{
    public static async Task<int> RunAsync(IConfiguration configuration)
    {
        var address = configuration[$"{WebOptions.Section}:ListenAddress"] ?? new WebOptions().ListenAddress;
        if (!ListenEndpoint.TryParse(address, out var endpoint)) return 1;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/healthz"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
