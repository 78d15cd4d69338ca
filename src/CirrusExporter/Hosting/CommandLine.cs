using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Hosting;

/// <summary>
/// The exporter's own flags, the exporter-toolkit flags other exporters take (as aliases of configuration keys), and
/// configuration arguments of the exporter's sections (--Cirrus:ApiToken=..., etc.). Anything else is refused with the
/// nearest valid spelling: an ignored typo would start the exporter with settings the user did not mean.
/// </summary>
/// <param name="ConfigArgs">The configuration arguments, aliases translated, each as --Section:Key=value.</param>
/// <param name="Error">Why the command line is refused, as one line; null when it is valid.</param>
public sealed record CommandLine(
    bool Demo, bool Once, bool CheckConfig, bool Healthcheck, bool Docs, bool DocsCheck, bool Help, bool Version,
    string[] ConfigArgs, string? Error = null)
{
    public const string Usage = """
        Usage: cirrus-exporter [--demo] [--once] [--check-config] [flags] [--Section:Key=value ...]
               cirrus-exporter --version
               cirrus-exporter healthcheck
               cirrus-exporter docs [--check]

          --demo                      run against the built-in simulator (simulated data, no token needed)
          --once                      refresh every collector once, print the exposition to stdout, exit 1 if any failed
          --check-config              validate the configuration and exit
          --version                   print the version, revision and runtime and exit
          --web.listen-address=ADDR   Web:ListenAddress, e.g. :9878 (every interface) or 127.0.0.1:9878
          --web.config.file=FILE      Web:ConfigFile, the exporter-toolkit web configuration (TLS, basic auth)
          --web.telemetry-path=PATH   Web:TelemetryPath, where the metrics are served (default /metrics)
          --web.enable-lifecycle      Web:EnableLifecycle=true: POST /-/reload reloads the configuration
          --log.level=LEVEL           Log:Level: debug, info, warn or error
          --log.format=FORMAT         Log:Format: logfmt (one readable line per event) or json
          healthcheck                 exit 0 when the local exporter answers /healthz (for container health checks)
          docs                        regenerate the tables of docs/metrics.md and docs/configuration.md from the code
                                      (run from the repository root; --check only reports out-of-date files, exit 1)

        Flags take their value as --flag=value or --flag value. Configuration: appsettings.json, environment
        variables (Cirrus__ApiToken) and --Cirrus:Key=value arguments; see docs/configuration.md. SIGHUP reloads it.
        """;

    /// <summary>What --version prints: the values of cirrus_exporter_build_info.</summary>
    public static string VersionText =>
        $"cirrus-exporter, version {BuildInfo.Version} (revision: {BuildInfo.Revision})\n"
        + $"  runtime: {BuildInfo.Runtime}";

    private static readonly string[] Switches =
        ["--demo", "--once", "--check-config", "--version", "--help", "-h", "--check"];

    private const string EnableLifecycle = "--web.enable-lifecycle";

    private static readonly string[] Commands = ["healthcheck", "docs"];

    /// <summary>The exporter's configuration sections: the only ones a --Section:Key argument may name.</summary>
    public static readonly string[] Sections = [CirrusOptions.Section, WebOptions.Section, LogOptions.Section];

    /// <summary>
    /// The .NET host's own settings (appsettings.&lt;environment&gt;.json, content root), passed on as they are.
    /// </summary>
    private static readonly string[] HostSettings = ["--environment", "--contentRoot", "--applicationName"];

    /// <summary>
    /// An exporter-toolkit flag: the key it sets and, for a choice, the key's value for each of the flag's values.
    /// </summary>
    private sealed record Alias(string Key, IReadOnlyDictionary<string, string>? Values = null);

    private static readonly Dictionary<string, Alias> Aliases = new(StringComparer.Ordinal)
    {
        ["--web.listen-address"] = new($"{WebOptions.Section}:{nameof(WebOptions.ListenAddress)}"),
        ["--web.config.file"] = new($"{WebOptions.Section}:{nameof(WebOptions.ConfigFile)}"),
        ["--web.telemetry-path"] = new($"{WebOptions.Section}:{nameof(WebOptions.TelemetryPath)}"),
        ["--log.level"] = new($"{LogOptions.Section}:{nameof(LogOptions.Level)}",
            new Dictionary<string, string>
            {
                ["debug"] = "Debug", ["info"] = "Information", ["warn"] = "Warning", ["error"] = "Error",
            }),
        ["--log.format"] = new($"{LogOptions.Section}:{nameof(LogOptions.Format)}",
            new Dictionary<string, string>
            {
                ["logfmt"] = nameof(LogFormat.Console), ["json"] = nameof(LogFormat.Json),
            }),
    };

    public static CommandLine Parse(string[] args)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var config = new List<string>();
        string? error = null;
        for (var i = 0; i < args.Length && error is null; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=');
            var name = eq < 0 ? arg : arg[..eq];
            string? Value() => eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[++i] : null;
            void PassOn()
            {
                if (Value() is { } value) config.Add($"{name}={value}");
                else error = $"{name} needs a value: {name}=...";
            }

            if (Switches.Contains(arg, StringComparer.Ordinal) || Commands.Contains(arg, StringComparer.Ordinal))
            {
                flags.Add(arg);
            }
            else if (arg == EnableLifecycle)
            {
                config.Add($"--{WebOptions.Section}:{nameof(WebOptions.EnableLifecycle)}=true");
            }
            else if (Aliases.TryGetValue(name, out var alias))
            {
                var value = Value();
                if (value is null) error = $"{name} needs a value: {name}=...";
                else if (alias.Values is null) config.Add($"--{alias.Key}={value}");
                else if (alias.Values.TryGetValue(value.ToLowerInvariant(), out var mapped))
                    config.Add($"--{alias.Key}={mapped}");
                else error = $"{name} must be one of {string.Join(", ", alias.Values.Keys)}, not '{value}'";
            }
            else if (HostSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                PassOn();
            }
            else if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':'))
            {
                var section = name[2..name.IndexOf(':')];
                if (!Sections.Contains(section, StringComparer.OrdinalIgnoreCase))
                {
                    error = $"unknown configuration section '{section}' in {name}"
                        + (Nearest(section, Sections) is { } s
                            ? $"; did you mean --{s}{name[(2 + section.Length)..]}?"
                            : $"; the sections are {string.Join(", ", Sections)}");
                }
                else
                {
                    PassOn();
                }
            }
            else
            {
                var known = Switches.Concat(Aliases.Keys).Append(EnableLifecycle).Where(f => f != "-h");
                error = (arg.StartsWith('-') ? $"unknown flag {name}" : $"unexpected argument '{arg}'")
                    + (Nearest(name, arg.StartsWith('-') ? known : Commands) is { } flag
                        ? $"; did you mean {flag}?"
                        : "")
                    + " (see --help)";
            }
        }
        return new CommandLine(flags.Contains("--demo"), flags.Contains("--once"), flags.Contains("--check-config"),
            flags.Contains("healthcheck"), flags.Contains("docs"), flags.Contains("--check"),
            flags.Contains("--help") || flags.Contains("-h"),
            flags.Contains("--version"), config.ToArray(), error);
    }

    /// <summary>
    /// The candidate closest to <paramref name="typed"/> (case-insensitive edit distance), when close enough to be a
    /// typo.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(typed.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(c => c.Distance).FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, best.Candidate.Length / 3)
            ? best.Candidate
            : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
