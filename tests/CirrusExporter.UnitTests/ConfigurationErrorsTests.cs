using CirrusExporter.Configuration;
using CirrusExporter.Hosting;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Configuration;

namespace CirrusExporter.UnitTests;

/// <summary>
/// Unknown keys are found by the same key walk the docs come from, and named with the section they sit in.
/// </summary>
public sealed class ConfigurationErrorsTests
{
    private static string? Unknown(params (string Key, string Value)[] settings) =>
        ConfigurationErrors.UnknownKeys(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build(), ConfigurationKeys.Of(Registered.Collectors));

    [Fact]
    public void Every_documented_shape_of_key_is_known_whatever_its_casing()
    {
        Assert.Null(Unknown(
            ("Cirrus:ApiToken", "x"), ("cirrus:http:maxconcurrency", "3"), ("Cirrus:Streams:0:Id", "1"),
            ("Cirrus:Streams:0:SubStreams:1", "2"),
            ("Cirrus:StatusNames:8", "pending"), ("Cirrus:Collectors:Objects:OpenStatuses:0", "1"),
            ("Cirrus:Collectors:SlaExceptions:Timeout", "00:00:10"),
            ("Web:ListenAddress", "127.0.0.1:1"), ("Log:Level", "Debug"), ("Elsewhere:Anything", "ignored")));
    }

    [Fact]
    public void An_unknown_key_is_named_with_the_exact_section_it_sits_in()
    {
        Assert.Equal("unknown key(s) 'Intervall' in section Cirrus:Collectors:StreamStats; check the spelling against "
            + "docs/configuration.md",
            Unknown(("Cirrus:Collectors:StreamStats:Intervall", "00:00:10")));
        Assert.Equal(
            "unknown key(s) 'Nmae' in section Cirrus:Streams:1; check the spelling against docs/configuration.md",
            Unknown(("Cirrus:Streams:0:Id", "1"), ("Cirrus:Streams:1:Id", "2"), ("Cirrus:Streams:1:Nmae", "x")));
        Assert.Equal(
            "unknown key(s) 'Htp', 'Stream' in section Cirrus; check the spelling against docs/configuration.md; "
            + "unknown key(s) 'Port' in section Web; check the spelling against docs/configuration.md",
            Unknown(("Cirrus:Htp:MaxConcurrency", "3"), ("Cirrus:Htp:MaxRetries", "3"), ("Cirrus:Stream:0:Id", "1"),
            ("Web:Port", "1")));
    }
}
