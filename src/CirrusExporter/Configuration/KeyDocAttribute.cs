namespace CirrusExporter.Configuration;

/// <summary>
/// What a configuration key means, for the generated key tables of docs/configuration.md and the README.
/// </summary>
/// <param name="meaning">Markdown text of the "meaning" column.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyDocAttribute(string meaning) : Attribute
{
    public string Meaning { get; } = meaning;

    /// <summary>What applies when the key is not set and the code has no default value, e.g. "the interval".</summary>
    public string? WhenUnset { get; init; }

    /// <summary>A short meaning: the key is one of the most used, listed with it in the README's table.</summary>
    public string? Readme { get; init; }
}
