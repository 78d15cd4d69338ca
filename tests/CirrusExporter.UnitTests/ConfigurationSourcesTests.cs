using System.Text;
using CirrusExporter.Configuration;
using CirrusExporter.Hosting;
using CirrusExporter.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The configuration examples and error lines in docs/configuration.md, run through the exporter's own
/// registration (the same binding and validation as start-up and --check-config).
/// </summary>
public sealed class ConfigurationSourcesTests : IDisposable
{
    private const string ErrorPrefix = "cirrus-exporter: configuration error: ";
    private static readonly string Doc = Markdown.ReadDoc("docs/configuration.md");
    private readonly string _tokenFile = Path.GetTempFileName();

    public ConfigurationSourcesTests() => File.WriteAllText(_tokenFile, "t\n");

    public void Dispose() => File.Delete(_tokenFile);

    private static async Task<(string? Error, CirrusOptions? Cirrus, LogOptions? Log)> LoadAsync(string[] args,
        Action<IConfigurationBuilder>? sources = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        sources?.Invoke(builder.Configuration);
        builder.AddCirrusExporter();
        await using var app = builder.Build();
        var error = ConfigurationErrors.Find(app.Services);
        return error is null
            ? (null, app.Services.GetRequiredService<IOptions<CirrusOptions>>().Value,
            app.Services.GetRequiredService<IOptions<LogOptions>>().Value)
            : (error, null, null);
    }

    private static void AssertExampleStreams(CirrusOptions o, LogOptions log)
    {
        Assert.Collection(o.Streams,
            s => Assert.Equal((11345L, "Web chat", ""), (s.Id, s.Name, string.Join(",", s.SubStreams))),
            s => Assert.Equal((11346L, "WhatsApp support", "12,13"), (s.Id, s.Name, string.Join(",", s.SubStreams))));
        Assert.True(o.DiscoverStreams);
        Assert.Equal("working", o.StatusNames["8"]);
        Assert.Equal(TimeSpan.FromMinutes(2), o.Collectors.Objects().Interval);
        Assert.Equal(LogFormat.Json, log.Format);
    }

    [Fact]
    public async Task The_json_example_binds_and_validates()
    {
        var json = Assert.Single(Markdown.FencedBlocks(Doc, "json"));
        Assert.Contains("\"ApiTokenFile\": \"/run/secrets/cirrus_token\"", json);
        var (error, o, log) = await LoadAsync([], c => c
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cirrus:ApiTokenFile"] = _tokenFile }));

        Assert.Null(error);
        AssertExampleStreams(o!, log!);
    }

    [Fact]
    public async Task The_environment_example_binds_to_the_same_configuration()
    {
        // Environment variable names map to keys by replacing "__" with ":".
        var lines = Assert.Single(Markdown.FencedBlocks(Doc, "dotenv"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var settings = lines.Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Replace("__", ":"), p => (string?)p[1]);
        Assert.Equal("/run/secrets/cirrus_token", settings["Cirrus:ApiTokenFile"]);
        settings["Cirrus:ApiTokenFile"] = _tokenFile;

        var (error, o, log) = await LoadAsync([], c => c.AddInMemoryCollection(settings));

        Assert.Null(error);
        AssertExampleStreams(o!, log!);
    }

    [Fact]
    public async Task The_label_override_example_in_the_metrics_doc_renames_labels()
    {
        var json = Assert.Single(Markdown.FencedBlocks(Markdown.ReadDoc("docs/metrics.md"), "json"));
        var (error, o, _) = await LoadAsync([], c => c
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cirrus:ApiToken"] = "t" }));

        Assert.Null(error);
        var labels = new LabelNames(o!);
        Assert.Equal(("new", "working", "webchat", "resolved"),
            (labels.Status(1), labels.Status(8), labels.Module(9), labels.Status(2)));
    }

    [Fact]
    public async Task Command_line_settings_override_and_defaults_fill_the_rest()
    {
        var (error, o, _) = await LoadAsync(["--Cirrus:ApiToken=x", "--Cirrus:Http:MaxConcurrency=16",
            "--Cirrus:Collectors:Availability:Interval", "00:01:00"]);

        Assert.Null(error);
        Assert.Equal(16, o!.Http.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(1), o.Collectors.Availability().Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Collectors.StreamStats().Interval);
        Assert.Equal(25, o.Http.RateLimitPerSecond);
    }

    [Theory]
    [InlineData("Cirrus:Http:MaxConcurrency must be between 1 and 256", "--Cirrus:ApiToken=x",
        "--Cirrus:Http:MaxConcurrency=0")]
    [InlineData("Cirrus:ApiToken is required and must not be blank: set Cirrus__ApiToken or Cirrus__ApiTokenFile, or "
        + "run with --demo to try the exporter on simulated data")]
    [InlineData("Cirrus:MaxDataAge: 'five' is not a duration; use hh:mm:ss, e.g. 00:05:00", "--Cirrus:ApiToken=x",
        "--Cirrus:MaxDataAge=five")]
    [InlineData("Cirrus:Streams:0:SubStreams is a list: number its items, e.g. Cirrus:Streams:0:SubStreams:0",
        "--Cirrus:ApiToken=x", "--Cirrus:Streams:0:Id=7", "--Cirrus:Streams:0:SubStreams=12")]
    [InlineData("unknown key(s) 'Htp' in section Cirrus; check the spelling against docs/configuration.md",
        "--Cirrus:ApiToken=x", "--Cirrus:Htp:MaxConcurrency=3")]
    public async Task Documented_error_lines_are_the_ones_the_exporter_prints(string expected, params string[] args)
    {
        var (error, _, _) = await LoadAsync(args);

        Assert.Equal(expected, error);
        Assert.Contains(ErrorPrefix + expected + "\n", Doc);
    }

    [Fact]
    public async Task Several_errors_are_reported_on_one_line()
    {
        var (error, _, _) = await LoadAsync(
            ["--Cirrus:ApiToken=x", "--Cirrus:Collectors:Objects:PageSize=0", "--Cirrus:Http:MaxRetries=11"]);

        Assert.Equal("Cirrus:Collectors:Objects:PageSize must be between 1 and 100; Cirrus:Http:MaxRetries must be "
            + "between 0 and 10", error);
    }

    [Fact]
    public async Task Unknown_keys_in_the_log_section_and_bad_enum_values_are_errors()
    {
        Assert.Equal("unknown key(s) 'Colour' in section Log; check the spelling against docs/configuration.md",
            (await LoadAsync(["--Cirrus:ApiToken=x", "--Log:Colour=red"])).Error);
        Assert.Equal("Log:Level: 'Loud' is not one of Verbose, Debug, Information, Warning, Error, Fatal",
            (await LoadAsync(["--Cirrus:ApiToken=x", "--Log:Level=Loud"])).Error);
        var (error, _, log) = await LoadAsync(["--Cirrus:ApiToken=x", "--Log:Level=debug", "--Log:Format=json"]);
        Assert.Null(error);
        Assert.Equal((Serilog.Events.LogEventLevel.Debug, LogFormat.Json), (log!.Level, log.Format));
    }
}
