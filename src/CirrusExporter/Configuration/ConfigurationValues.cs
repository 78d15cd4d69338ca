using System.Globalization;

namespace CirrusExporter.Configuration;

/// <summary>
/// Values the binder would refuse naming a .NET type ("to type 'System.TimeSpan'"), or drop without a word (a value
/// set on a section, list or map, such as Cirrus:Streams:0=5 or a non-indexed SubStreams=12), checked against the key
/// walk the docs come from and named with their key, the format and an example. A section's value is never repeated,
/// since it may be a secret set under the wrong key.
/// </summary>
public sealed class ConfigurationValues
{
    private readonly Dictionary<string, ConfigKey> _leaves;

    /// <summary>
    /// Every key pattern and every prefix of one, each with the first key under it (in the docs' order).
    /// </summary>
    private readonly Dictionary<string, string> _firstKeyUnder;

    private ConfigurationValues(IReadOnlyList<ConfigKey> keys) =>
        (_leaves, _firstKeyUnder) = (keys.ToDictionary(k => k.Path, StringComparer.OrdinalIgnoreCase), Prefixes(keys));

    /// <param name="keys">The key walk (<see cref="ConfigurationKeys.Of"/>) the values are checked against.</param>
    public static string? Problems(IConfiguration configuration, IReadOnlyList<ConfigKey> keys) =>
        new ConfigurationValues(keys).Check(configuration);

    private string? Check(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var section in new[] { CirrusOptions.Section, WebOptions.Section, LogOptions.Section })
        {
            foreach (var (path, value) in configuration.GetSection(section).AsEnumerable()
                .OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(value) || PatternOf(path) is not { } pattern) continue;
                if (_leaves.TryGetValue(pattern, out var key))
                {
                    if (Expected(key, value.Trim()) is { } expected) problems.Add($"{path}: '{value}' {expected}");
                }
                else
                {
                    problems.Add(NotAValue(path, pattern));
                }
            }
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// The key pattern <paramref name="path"/> matches (list items as ":N", map entries as ":&lt;id&gt;"), or null for
    /// an unknown key.
    /// </summary>
    private string? PatternOf(string path)
    {
        string? pattern = null;
        foreach (var segment in path.Split(':'))
        {
            pattern = pattern is null ? segment
                : _firstKeyUnder.ContainsKey($"{pattern}:N") && int.TryParse(segment, out _) ? $"{pattern}:N"
                : _firstKeyUnder.ContainsKey($"{pattern}:<id>") ? $"{pattern}:<id>"
                : $"{pattern}:{segment}";
            if (!_firstKeyUnder.ContainsKey(pattern)) return null;
        }
        return pattern;
    }

    private string NotAValue(string path, string pattern)
    {
        if (_firstKeyUnder.ContainsKey($"{pattern}:N"))
        {
            var item = _leaves.ContainsKey($"{pattern}:N")
                ? ""
                : ":" + Segment(_firstKeyUnder[$"{pattern}:N"], pattern.Split(':').Length + 1);
            return $"{path} is a list: number its items, e.g. {path}:0{item}";
        }
        if (_firstKeyUnder.ContainsKey($"{pattern}:<id>")) return $"{path} is a map: set its entries, e.g. {path}:<id>";
        return $"{path} is a section, not a value: set its keys, e.g. "
            + $"{path}:{Segment(_firstKeyUnder[pattern], pattern.Split(':').Length)}";
    }

    private static string Segment(string keyPath, int index) => keyPath.Split(':')[index];

    /// <summary>What the value should have been, or null when the binder reads it.</summary>
    private static string? Expected(ConfigKey key, string value)
    {
        var t = key.ValueType;
        // The example is the key's default when it has one (a list or map item's has none of its own).
        var example = key.Unset ? null : key.Default;
        if (t == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null
                : "is not a duration; use hh:mm:ss, e.g. "
                    + (example is TimeSpan d && d > TimeSpan.Zero ? d : TimeSpan.FromSeconds(30))
                        .ToString("c", CultureInfo.InvariantCulture);
        }

        if (t == typeof(int) || t == typeof(long))
        {
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                && (t == typeof(long) || n is >= int.MinValue and <= int.MaxValue)
                ? null
                : $"is not a whole number, e.g. {(example is int or long
                    && Convert.ToInt64(example, CultureInfo.InvariantCulture) > 0 ? example : 1)}";
        }

        if (t == typeof(double))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null
                : "is not a number, e.g. "
                    + $"{(example is double x && x > 0 ? x : 1).ToString(CultureInfo.InvariantCulture)}";
        }

        if (t == typeof(bool)) return bool.TryParse(value, out _) ? null : "is not true or false";
        if (t.IsEnum)
        {
            return Enum.TryParse(t, value, ignoreCase: true, out _)
                ? null
                : $"is not one of {string.Join(", ", Enum.GetNames(t))}";
        }
        if (t == typeof(Uri))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out _)
                ? null
                : "is not a URL, e.g. "
                    + ((example as Uri)?.GetLeftPart(UriPartial.Authority) ?? "https://api.commbox.io");
        }
        return null;
    }

    private static Dictionary<string, string> Prefixes(IReadOnlyList<ConfigKey> keys)
    {
        var first = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var segments = key.Path.Split(':');
            for (var i = 1; i <= segments.Length; i++) first.TryAdd(string.Join(':', segments[..i]), key.Path);
        }
        return first;
    }
}
