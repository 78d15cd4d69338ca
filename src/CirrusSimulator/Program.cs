namespace CirrusSimulator;

/// <summary>
/// Standalone entry point: dotnet run --project src/CirrusSimulator -- --urls http://127.0.0.1:5080
/// --Simulator:Token=demo-token (a named class, not top-level statements, so the exporter can reference this assembly
/// without two global Program types).
/// </summary>
public static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

        WebApplication app;
        try
        {
            var options = SimulatorOptions.FromConfiguration(configuration.GetSection(SimulatorOptions.SectionName));
            app = SimulatorHost.Create(options, configuration["urls"] ?? "http://127.0.0.1:5080");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"cirrus-simulator: {e.Message}");
            return 2;
        }

        await using (app)
        {
            await app.StartAsync();
            Console.WriteLine($"Cirrus simulator listening on {string.Join(", ", app.Urls)} (admin API under /admin)");
            await app.WaitForShutdownAsync();
        }
        return 0;
    }
}
