using CirrusExporter.Collectors;
using CirrusExporter.Docs;
using CirrusExporter.Hosting;
using CirrusExporter.Web;

var cli = CommandLine.Parse(args);
if (cli.Help)
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}

if (cli.Docs) return GeneratedDocs.Run(GeneratedDocs.RepositoryRoot(Directory.GetCurrentDirectory()), cli.DocsCheck, Console.Out);

var builder = WebApplication.CreateSlimBuilder(cli.ConfigArgs);
if (cli.Healthcheck) return await Healthcheck.RunAsync(builder.Configuration);

await using var simulator = cli.Demo ? await DemoMode.StartSimulatorAsync(builder) : null;
builder.AddCirrusExporter();
var app = builder.Build();

if (ConfigurationErrors.Find(app.Services) is { } error)
{
    Console.Error.WriteLine($"cirrus-exporter: configuration error: {error}");
    return 2;
}
if (cli.CheckConfig)
{
    Console.Out.WriteLine("cirrus-exporter: configuration OK");
    return 0;
}

app.MapExporterEndpoints(cli.Demo);
if (simulator is not null)
    app.Logger.LogWarning("Demo mode: serving SIMULATED data from the built-in simulator at {Url}; no Cirrus API is called", simulator.Urls.First());

if (cli.Once)
{
    var ok = await app.Services.GetRequiredService<CollectorRunner>().RefreshAllOnceAsync(CancellationToken.None);
    await using var stdout = Console.OpenStandardOutput();
    await app.Services.GetRequiredService<MetricsWriter>().WriteAsync(stdout, CancellationToken.None);
    return ok ? 0 : 1;
}

await app.RunAsync();
return 0;

/// <summary>Entry point, public for the in-process test host.</summary>
public partial class Program;
