namespace CirrusExporter.EndToEndTests;

/// <summary>
/// Configuration as an operator writes it, wrong: each mistake stops the process with exit code 2 and one line saying
/// where and what to write.
/// </summary>
public sealed class ConfigurationInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cirrus-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string OneLine(string stderr)
        => Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("appsettings.Production.json")]
    public async Task A_malformed_json_settings_file_is_named_with_the_line_and_column_of_the_mistake(string name)
    {
        var file = Path.Combine(_dir.FullName, name);
        await File.WriteAllTextAsync(file, "{ \"Cirrus\": { \"ApiToken\": \"t\" }\n  \"Web\": {} }\n");

        var (code, stdout, stderr) = await ExporterProcess.RunInAsync(_dir.FullName, null, "--check-config");

        Assert.Equal(2, code);
        Assert.Equal($"cirrus-exporter: configuration error: {file} is not valid JSON: line 2, column 3: '\"' is "
            + $"invalid after a value. Expected either ',', '}}', or ']'.",
            OneLine(stderr));
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task A_settings_file_with_a_key_twice_is_named()
    {
        var file = Path.Combine(_dir.FullName, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "Cirrus": { "ApiToken": "t", "apitoken": "u" } }""");

        var (code, _, stderr) = await ExporterProcess.RunInAsync(_dir.FullName, null, "--check-config");

        Assert.Equal(2, code);
        Assert.Equal($"cirrus-exporter: configuration error: {file} is not valid JSON: A duplicate key "
            + "'Cirrus:apitoken' was found.", OneLine(stderr));
    }

    [Theory]
    [InlineData("Cirrus__MaxDataAge", "5x", "Cirrus:MaxDataAge: '5x' is not a duration; use hh:mm:ss, e.g. 00:05:00")]
    [InlineData("Cirrus__SlaItem1", "Item2", "Cirrus:SlaItem1: 'Item2' is not one of Breaches, Critical")]
    [InlineData("Cirrus__Streams__0", "11345",
        "Cirrus:Streams:0 is a section, not a value: set its keys, e.g. Cirrus:Streams:0:Id")]
    [InlineData("Cirrus__Streams__1__SubStreams", "12",
        "Cirrus:Streams:1:SubStreams is a list: number its items, e.g. Cirrus:Streams:1:SubStreams:0")]
    [InlineData("Cirrus__StatusNames__8", "pending",
        "Cirrus:StatusNames:8 'pending' is already the name of status 15; give each status a name of its own")]
    public async Task A_value_the_exporter_cannot_use_is_refused_in_words_naming_the_key(string variable, string value,
        string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["Cirrus__ApiToken"] = "t", ["Cirrus__Streams__1__Id"] = "7",
            [variable] = value
        };

        var (code, _, stderr) = await ExporterProcess.RunAsync(environment, "--check-config");

        Assert.Equal(2, code);
        Assert.Equal($"cirrus-exporter: configuration error: {expected}", OneLine(stderr));
    }
}
