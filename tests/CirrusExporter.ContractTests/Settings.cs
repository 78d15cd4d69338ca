using CirrusExporter.TestSupport;

namespace CirrusExporter.ContractTests;

/// <summary>
/// Exporter settings with one collector enabled (also one that is off by default), so a test sees only the endpoint it
/// drives.
/// </summary>
internal static class Settings
{
    public static Dictionary<string, string?> Only(string collector, params (string Key, string Value)[] extra)
    {
        var settings = Registered.Collectors.ToDictionary(d => d.Key("Enabled"),
            d => (string?)(d.Label == collector ? "true" : "false"));
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>Discovery off and stream 11345 configured: for the per-stream collectors.</summary>
    public static Dictionary<string, string?> OnlyForStream11345(string collector,
        params (string Key, string Value)[] extra) =>
        Only(collector, [("Cirrus:DiscoverStreams", "false"), ("Cirrus:Streams:0:Id", "11345"), .. extra]);
}
