using System.Globalization;
using System.Security.Cryptography;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using CirrusSimulator;

namespace CirrusExporter.Hosting;

/// <summary>
/// --demo: starts the built-in simulator on a loopback port and points the exporter at it with a fresh
/// random token, naming the streams as the simulated tenant does. No Cirrus account is needed.
/// </summary>
public static class DemoMode
{
    /// <param name="collectors">Every collector, for those off by default to be turned on.</param>
    public static async Task<WebApplication> StartSimulatorAsync(
        WebApplicationBuilder exporter, IEnumerable<CollectorDescriptor> collectors)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var options = new SimulatorOptions { Token = token };
        var simulator = SimulatorHost.Create(options, "http://127.0.0.1:0");
        await simulator.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Cirrus:BaseUrl"] = simulator.Urls.First(),
            ["Cirrus:ApiToken"] = token,
            ["Cirrus:ApiTokenFile"] = "",
        };
        // The simulator serves every collector's route and its calls cost nothing, so the demo also runs the collectors
        // that are off by default for their cost (response times and SLOs).
        var defaults = new CollectorsOptions();
        foreach (var d in collectors.Where(d => !d.Options(defaults).Enabled))
            settings[d.Key(nameof(CollectorOptions.Enabled))] = "true";
        // The simulator's loopback address would name the tenant by a port that changes every run.
        if (string.IsNullOrEmpty(exporter.Configuration["Cirrus:Tenant"])) settings["Cirrus:Tenant"] = "demo";
        for (var i = 0; i < options.Streams.Count; i++)
        {
            var stream = options.Streams[i];
            settings[$"Cirrus:Streams:{i}:Id"] = stream.Id.ToString(CultureInfo.InvariantCulture);
            settings[$"Cirrus:Streams:{i}:Name"] = stream.Name;
            for (var j = 0; j < stream.SubStreams.Count; j++)
            {
                settings[$"Cirrus:Streams:{i}:SubStreams:{j}"] =
                    stream.SubStreams[j].ToString(CultureInfo.InvariantCulture);
            }
        }
        exporter.Configuration.AddInMemoryCollection(settings);
        return simulator;
    }
}
