using System.Globalization;
using System.Text.RegularExpressions;

namespace CirrusExporter.TestSupport;

public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>
    /// The sorted labels ("a=1,b=2") without the constant tenant label, which <see cref="Exposition.Tenants"/> checks
    /// once.
    /// </summary>
    public string LabelText => string.Join(",", Labels.Where(l => l.Key != "tenant")
        .OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>A parsed Prometheus text exposition, for asserting exact series and values.</summary>
public sealed partial class Exposition(string text, IReadOnlyList<Sample> samples)
{
    public string Text { get; } = text;

    public IReadOnlyList<Sample> Samples { get; } = samples;

    public static Exposition Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"not an exposition line: {line}");
            var labels = new Dictionary<string, string>();
            foreach (Match l in LabelPair().Matches(m.Groups["labels"].Value))
            {
                labels[l.Groups[1].Value] = l.Groups[2].Value.Replace("\\\"", "\"").Replace("\\n", "\n")
                    .Replace("\\\\", "\\");
            }
            var raw = m.Groups["value"].Value;
            var value = raw switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(raw, CultureInfo.InvariantCulture)
            };
            samples.Add(new Sample(m.Groups["name"].Value, labels, value));
        }
        return new Exposition(text, samples);
    }

    /// <summary>Samples of one family, keyed by their sorted label text ("a=1,b=2").</summary>
    public Dictionary<string, double> Family(string name) =>
        Samples.Where(s => s.Name == name).ToDictionary(s => s.LabelText, s => s.Value);

    /// <summary>
    /// The single value of a series given as label pairs ("endpoint", "stream_stats", ...), or null when absent.
    /// </summary>
    public double? Value(string name, params string[] labelPairs)
    {
        var matches = Samples.Where(s => s.Name == name && Enumerable.Range(0, labelPairs.Length / 2)
            .All(i => s.Labels.TryGetValue(labelPairs[2 * i], out var v) && v == labelPairs[2 * i + 1])).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException(
                $"{matches.Count} series of {name} match {string.Join(",", labelPairs)}"),
        };
    }

    public bool HasFamily(string name) => Samples.Any(s => s.Name == name);

    /// <summary>The distinct tenant label values of the cirrus_* samples ("" for a sample without one).</summary>
    public IReadOnlyList<string> Tenants =>
        [.. Samples.Where(s => s.Name.StartsWith("cirrus_", StringComparison.Ordinal))
            .Select(s => s.Labels.GetValueOrDefault("tenant", "")).Distinct()];

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
