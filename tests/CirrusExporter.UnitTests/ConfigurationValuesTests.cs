using CirrusExporter.Configuration;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Configuration;

namespace CirrusExporter.UnitTests;

/// <summary>
/// Values that the binder would refuse in its own words, or drop without a word, are named with their key and what to
/// write instead.
/// </summary>
public sealed class ConfigurationValuesTests
{
    private static string? Problems(params (string Key, string Value)[] settings) =>
        ConfigurationValues.Problems(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build(), ConfigurationKeys.Of(Registered.Collectors));

    [Theory]
    [InlineData("Cirrus:MaxDataAge", "5x", "Cirrus:MaxDataAge: '5x' is not a duration; use hh:mm:ss, e.g. 00:05:00")]
    [InlineData("Cirrus:Collectors:Objects:LookBack", "7d",
        "Cirrus:Collectors:Objects:LookBack: '7d' is not a duration; use hh:mm:ss, e.g. 7.00:00:00")]
    [InlineData("Cirrus:Collectors:Objects:Timeout", "10s",
        "Cirrus:Collectors:Objects:Timeout: '10s' is not a duration; use hh:mm:ss, e.g. 00:00:30")]
    [InlineData("Cirrus:Collectors:Conversations:Slo:chat:FirstResponse", "1m",
        "Cirrus:Collectors:Conversations:Slo:chat:FirstResponse: '1m' is not a duration; use hh:mm:ss, e.g. 00:00:30")]
    [InlineData("Cirrus:MaxStreams", "many", "Cirrus:MaxStreams: 'many' is not a whole number, e.g. 2500")]
    [InlineData("Cirrus:Streams:0:SubStreams:0", "main",
        "Cirrus:Streams:0:SubStreams:0: 'main' is not a whole number, e.g. 1")]
    [InlineData("Cirrus:DiscoverStreams", "yes", "Cirrus:DiscoverStreams: 'yes' is not true or false")]
    [InlineData("Cirrus:Http:CircuitFailureRatio", "half",
        "Cirrus:Http:CircuitFailureRatio: 'half' is not a number, e.g. 0.5")]
    [InlineData("Cirrus:SlaItem1", "Both", "Cirrus:SlaItem1: 'Both' is not one of Breaches, Critical")]
    [InlineData("Cirrus:BaseUrl", "http://[::1",
        "Cirrus:BaseUrl: 'http://[::1' is not a URL, e.g. https://api.commbox.io")]
    [InlineData("Log:Level", "Loud",
        "Log:Level: 'Loud' is not one of Verbose, Debug, Information, Warning, Error, Fatal")]
    public void A_value_of_the_wrong_type_names_the_key_the_format_and_an_example_not_a_dotnet_type(string key,
        string value, string expected)
    {
        Assert.Equal(expected, Problems((key, value)));
    }

    [Fact]
    public void Values_the_binder_reads_pass_whatever_their_casing_and_spacing()
    {
        Assert.Null(Problems(
            ("Cirrus:MaxDataAge", "00:10:00"), ("Cirrus:Collectors:Objects:LookBack", "2.00:00:00"),
            ("Cirrus:MaxStreams", " 40"),
            ("Cirrus:DiscoverStreams", "False"), ("Cirrus:SlaItem1", "critical"),
            ("Cirrus:Http:CircuitFailureRatio", "1e-1"),
            ("Cirrus:BaseUrl", "http://127.0.0.1:1"), ("Cirrus:Streams:0:Id", "5"),
            ("Cirrus:Streams:0:SubStreams:0", "12"),
            ("Cirrus:ApiToken", "any text"), ("Cirrus:MaxUnknownLabelValues", ""), ("Elsewhere:MaxStreams", "many")));
    }

    [Theory]
    [InlineData("Cirrus:Streams:0", "5",
        "Cirrus:Streams:0 is a section, not a value: set its keys, e.g. Cirrus:Streams:0:Id")]
    [InlineData("Cirrus:Streams", "5", "Cirrus:Streams is a list: number its items, e.g. Cirrus:Streams:0:Id")]
    [InlineData("Cirrus:Streams:0:SubStreams", "12",
        "Cirrus:Streams:0:SubStreams is a list: number its items, e.g. Cirrus:Streams:0:SubStreams:0")]
    [InlineData("Cirrus:StatusNames", "8=waiting",
        "Cirrus:StatusNames is a map: set its entries, e.g. Cirrus:StatusNames:<id>")]
    [InlineData("Cirrus:Http", "fast",
        "Cirrus:Http is a section, not a value: set its keys, e.g. Cirrus:Http:AttemptTimeout")]
    public void A_value_on_a_section_or_list_is_refused_instead_of_dropped(string key, string value, string expected)
    {
        Assert.Equal(expected, Problems(("Cirrus:Streams:0:Id", "5"), (key, value)));
    }

    [Fact]
    public void The_value_of_a_secret_is_never_repeated()
    {
        Assert.DoesNotContain("s3cret", Problems(("Cirrus", "s3cret"), ("Cirrus:Streams", "s3cret")));
    }
}
