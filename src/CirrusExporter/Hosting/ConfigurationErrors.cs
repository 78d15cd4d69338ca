using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>
/// Finds unknown keys, then resolves every options class once, turning binding and validation failures into one line.
/// </summary>
public static class ConfigurationErrors
{
    private static readonly string[] Sections = CommandLine.Sections;

    public static string? Find(IServiceProvider services) =>
        Check(services.GetRequiredService<IConfiguration>(), services.GetServices<CollectorDescriptor>(), () =>
        {
            _ = services.GetRequiredService<IOptions<CirrusOptions>>().Value;
            _ = services.GetRequiredService<IOptions<WebOptions>>().Value;
            _ = services.GetRequiredService<IOptions<LogOptions>>().Value;
        });

    /// <summary>
    /// Unknown sections and keys of <paramref name="configuration"/> (each of <paramref name="collectors"/> has its
    /// section), then what <paramref name="bind"/> throws, as one line.
    /// </summary>
    public static string? Check(IConfiguration configuration, IEnumerable<CollectorDescriptor> collectors, Action bind)
    {
        var keys = ConfigurationKeys.Of(collectors);
        if (UnknownSections(configuration) is { } section) return section;
        if (UnknownKeys(configuration, keys) is { } unknown) return unknown;
        if (ConfigurationValues.Problems(configuration, keys) is { } values) return values;
        try
        {
            bind();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // Conversion failures name the key themselves: "... value 'five' at 'Cirrus:MaxDataAge' ...".
            return e.Message;
        }
    }

    /// <summary>
    /// A settings file that cannot be parsed, as one line naming the file and the line and column of the mistake,
    /// instead of the stack trace the host's loader ends in; null for any other failure.
    /// </summary>
    public static string? Unreadable(Exception e)
    {
        // The loader's message: "Failed to load configuration from file '<path>'."
        var (open, close) = (e.Message.IndexOf('\''), e.Message.LastIndexOf('\''));
        if (e is not InvalidDataException { InnerException: FormatException format } || open >= close) return null;
        var file = e.Message[(open + 1)..close];
        if (format.InnerException
            is not System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
        {
            return $"{file} is not valid JSON: {format.Message}";
        }
        // The parser's message ends in its own 0-based position; an editor counts from 1.
        var message = json.Message.IndexOf(" LineNumber:", StringComparison.Ordinal) is var at and >= 0
            ? json.Message[..at]
            : json.Message;
        return $"{file} is not valid JSON: line {line + 1}, column {column + 1}: {message}";
    }

    /// <summary>Sections of ASP.NET Core's appsettings.json template, which the exporter's files may keep.</summary>
    private static readonly string[] HostSections = ["Logging", "AllowedHosts"];

    /// <summary>
    /// Top-level sections of the exporter's own files (appsettings*.json) that are not its own: a misspelt "Cirus"
    /// would otherwise be ignored. The environment is not checked, since it holds every other program's variables too;
    /// the command line is checked before the host is built (<see cref="CommandLine"/>).
    /// </summary>
    internal static string? UnknownSections(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root) return null;
        foreach (var file in root.Providers.OfType<FileConfigurationProvider>())
        {
            foreach (var key in file.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!Sections.Contains(key, StringComparer.OrdinalIgnoreCase)
                    && !HostSections.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    return $"unknown section '{key}' in {file.Source.Path}"
                        + (CommandLine.Nearest(key, Sections) is { } s
                            ? $"; did you mean {s}?"
                            : $"; the exporter's sections are {string.Join(", ", Sections)}");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Keys in the exporter's sections that no options property binds (a typo would otherwise be ignored),
    /// compared with the same key walk the docs are generated from: list indexes match ":N", map keys ":&lt;id&gt;".
    /// </summary>
    internal static string? UnknownKeys(IConfiguration configuration, IReadOnlyList<ConfigKey> keys)
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var segments = key.Path.Split(':');
            for (var i = 1; i <= segments.Length; i++) known.Add(string.Join(':', segments[..i]));
        }

        var unknown = new List<(string Section, string Key)>();
        foreach (var section in Sections)
        {
            foreach (var (path, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is null) continue;
                var pattern = "";
                var actual = "";
                foreach (var segment in path.Split(':'))
                {
                    var next = pattern.Length == 0 ? segment
                        : known.Contains($"{pattern}:N") && int.TryParse(segment, out _) ? $"{pattern}:N"
                        : known.Contains($"{pattern}:<id>") ? $"{pattern}:<id>"
                        : $"{pattern}:{segment}";
                    if (!known.Contains(next))
                    {
                        unknown.Add((actual, segment));
                        break;
                    }
                    (pattern, actual) = (next, actual.Length == 0 ? segment : $"{actual}:{segment}");
                }
            }
        }
        if (unknown.Count == 0) return null;
        return string.Join("; ", unknown
            .DistinctBy(u => (u.Section.ToUpperInvariant(), u.Key.ToUpperInvariant()))
            .GroupBy(u => u.Section, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => "unknown key(s) "
                + $"{string.Join(", ", g.Select(u => $"'{u.Key}'").Order(StringComparer.Ordinal))} in section {g.Key}; "
                + "check the spelling against docs/configuration.md"));
    }
}
