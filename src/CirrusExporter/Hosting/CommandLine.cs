namespace CirrusExporter.Hosting;

/// <summary>The exporter's own flags; every other argument is configuration (--Cirrus:ApiToken=..., etc.).</summary>
public sealed record CommandLine(bool Demo, bool Once, bool CheckConfig, bool Healthcheck, bool Docs, bool DocsCheck, bool Help, string[] ConfigArgs)
{
    public const string Usage = """
        Usage: cirrus-exporter [--demo] [--once] [--check-config] [--Section:Key=value ...]
               cirrus-exporter healthcheck
               cirrus-exporter docs [--check]

          --demo          run against the built-in simulator (simulated data, no token needed)
          --once          refresh every collector once, print the exposition to stdout, exit 1 if any failed
          --check-config  validate the configuration and exit
          healthcheck     exit 0 when the local exporter answers /healthz (for container health checks)
          docs            regenerate the tables of docs/metrics.md and docs/configuration.md from the code
                          (run from the repository root; --check only reports out-of-date files, exit 1)

        Configuration: appsettings.json, environment variables (Cirrus__ApiToken) and --Cirrus:Key=value
        arguments; see docs/configuration.md.
        """;

    public static CommandLine Parse(string[] args)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var arg in args)
        {
            if (arg is "--demo" or "--once" or "--check-config" or "healthcheck" or "docs" or "--check" or "--help" or "-h") flags.Add(arg);
            else rest.Add(arg);
        }
        return new CommandLine(flags.Contains("--demo"), flags.Contains("--once"), flags.Contains("--check-config"),
            flags.Contains("healthcheck"), flags.Contains("docs"), flags.Contains("--check"), flags.Contains("--help") || flags.Contains("-h"), rest.ToArray());
    }
}
