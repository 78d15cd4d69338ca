using CirrusExporter.Collectors;
using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>Resolves every options class once, turning binding and validation failures into one line.</summary>
public static class ConfigurationErrors
{
    public static string? Find(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<CirrusOptions>>().Value;
            _ = services.GetRequiredService<IOptions<WebOptions>>().Value;
            _ = services.GetRequiredService<IOptions<LogOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
        catch (InvalidOperationException e)
        {
            return Rephrase(e.Message);
        }
    }

    /// <summary>Options class name to the section it binds; a class several collectors share names them all.</summary>
    private static readonly Dictionary<string, string> SectionOf = new Dictionary<string, string>
    {
        [nameof(CirrusOptions)] = "Cirrus", [nameof(CollectorsOptions)] = "Cirrus:Collectors", [nameof(HttpOptions)] = "Cirrus:Http",
        [nameof(StreamOptions)] = "Cirrus:Streams:N", [nameof(WebOptions)] = "Web", [nameof(LogOptions)] = "Log",
    }.Concat(CollectorRegistry.All
        .GroupBy(d => d.Options(new CollectorsOptions()).GetType().Name)
        .Select(g => KeyValuePair.Create(g.Key, "Cirrus:Collectors:" + string.Join(" or ", g.Select(d => d.Section)))))
    .ToDictionary();

    /// <summary>
    /// Conversion errors already name the key ("... at 'Cirrus:MaxDataAge' ..."); unknown-key errors name a
    /// type, so they are rewritten to name the section.
    /// </summary>
    private static string Rephrase(string message)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, @"instance of [\w.]+\.(\w+): (.+)$");
        if (!unknown.Success) return message;
        var section = SectionOf.GetValueOrDefault(unknown.Groups[1].Value, unknown.Groups[1].Value);
        return $"unknown key(s) {unknown.Groups[2].Value} in section {section}; check the spelling against docs/configuration.md";
    }
}
