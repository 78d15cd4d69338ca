using CirrusExporter.Collectors;
using CirrusExporter.Configuration;
using CirrusExporter.Docs;
using CirrusExporter.Hosting;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

var cli = CommandLine.Parse(args);
if (cli.Error is { } refused)
{
    Console.Error.WriteLine($"cirrus-exporter: {refused}");
    return 2;
}
if (cli.Version)
{
    Console.Out.WriteLine(CommandLine.VersionText);
    return 0;
}
if (cli.Help)
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}

if (cli.Docs)
{
    return GeneratedDocs.Run(CollectorRegistry.All,
        GeneratedDocs.RepositoryRoot(Directory.GetCurrentDirectory()) ?? Directory.GetCurrentDirectory(),
        cli.DocsCheck, Console.Out);
}

WebApplicationBuilder builder;
try
{
    builder = WebApplication.CreateSlimBuilder(cli.ConfigArgs);
}
catch (InvalidDataException e) when (ConfigurationErrors.Unreadable(e) is { } unreadable)
{
    Console.Error.WriteLine($"cirrus-exporter: configuration error: {unreadable}");
    return 2;
}
if (cli.Healthcheck) return await Healthcheck.RunAsync(builder.Configuration);

await using var simulator = cli.Demo ? await DemoMode.StartSimulatorAsync(builder, CollectorRegistry.All) : null;
builder.AddCirrusExporter(cli.Demo);
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
{
    app.Logger.LogWarning(
        "Demo mode: serving SIMULATED data from the built-in simulator at {Url}; no Cirrus API is called",
        simulator.Urls.First());
}

if (cli.Once)
{
    var ok = await app.Services.GetRequiredService<CollectorRunner>().RefreshAllOnceAsync(CancellationToken.None);
    await using var stdout = Console.OpenStandardOutput();
    await app.Services.GetRequiredService<MetricsWriter>().WriteAsync(stdout, CancellationToken.None);
    return ok ? 0 : 1;
}

// The collectors wait for the server to be listening, so a bad address fails before any API call.
try
{
    await app.StartAsync();
}
catch (IOException e) when (ListenFailure.Describe(e) is { } why)
{
    var address = app.Services.GetRequiredService<IOptions<WebOptions>>().Value.ListenAddress;
    Console.Error.WriteLine($"cirrus-exporter: cannot listen on Web:ListenAddress {address}: {why}");
    return 2;
}
await app.WaitForShutdownAsync();
return 0;

/// <summary>Entry point, public for the in-process test host.</summary>
public partial class Program;
