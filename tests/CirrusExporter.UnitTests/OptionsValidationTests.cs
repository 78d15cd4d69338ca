using CirrusExporter.Configuration;
using CirrusExporter.Hosting;
using CirrusExporter.TestSupport;
using CirrusExporter.Web;

namespace CirrusExporter.UnitTests;

public sealed class OptionsValidationTests
{
    private static CirrusOptions Valid() => new() { ApiToken = "t" };

    private static IReadOnlyList<string> Failures(CirrusOptions o) =>
        new CirrusOptionsValidator(Registered.Collectors).Validate(null, o).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_plus_a_token_pass()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Fact]
    public void An_existing_token_file_replaces_the_token()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "t\n");
            Assert.Empty(Failures(new CirrusOptions { ApiTokenFile = file }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, Action<CirrusOptions>> Rules => new()
    {
        { "Cirrus:BaseUrl", o => o.BaseUrl = new Uri("ftp://api.commbox.io") },
        { "Cirrus:BaseUrl", o => o.BaseUrl = new Uri("api/v2", UriKind.Relative) },
        { "Cirrus:Tenant", o => o.Tenant = "acme corp" },
        { "Cirrus:Tenant", o => o.Tenant = "acme\"}" },
        { "Cirrus:Tenant", o => o.Tenant = new string('a', 129) },
        { "Cirrus:ApiToken", o => o.ApiToken = "  " },
        { "Cirrus:ApiToken", o => o.ApiToken = "" },
        { "Cirrus:ApiToken", o => o.ApiToken = "Bearer abc" },
        { "Cirrus:ApiToken", o => o.ApiToken = "abc\ndef" },
        { "Cirrus:ApiTokenFile", o => o.ApiTokenFile = Path.Combine(Path.GetTempPath(), "no-such-dir-7c1f", "token") },
        { "Cirrus:Streams:0:Id", o => o.Streams.Add(new StreamOptions { Id = 0 }) },
        { "Cirrus:Streams:1:Id",
            o => o.Streams.AddRange([new StreamOptions { Id = 5 }, new StreamOptions { Id = 5 }]) },
        { "Cirrus:Streams:0:SubStreams", o => o.Streams.Add(new StreamOptions { Id = 5, SubStreams = [12, -1] }) },
        { "Cirrus:Streams", o => o.DiscoverStreams = false },
        {
            "Cirrus:Collectors", o =>
            {
                o.DiscoverStreams = false;
                o.Streams.Add(new StreamOptions { Id = 5 });
                foreach (var d in Registered.Collectors) d.Options(o.Collectors).Enabled = false;
            }
        },
        { "Cirrus:Collectors:Availability:Interval",
            o => o.Collectors.Availability().Interval = TimeSpan.FromMilliseconds(500) },
        { "Cirrus:Collectors:SlaExceptions:Timeout", o => o.Collectors.SlaExceptions().Timeout = TimeSpan.Zero },
        { "Cirrus:Collectors:StreamStats:Timeout", o => o.Collectors.StreamStats().Timeout = TimeSpan.FromSeconds(-1) },
        { "Cirrus:MaxDataAge", o => o.MaxDataAge = TimeSpan.FromSeconds(45) },
        { "Cirrus:DiscoverStreams", o => o.Collectors.StreamStats().Enabled = false },
        { "Cirrus:Collectors:Objects:OpenStatuses", o => o.Collectors.Objects().OpenStatuses.Add(0) },
        { "Cirrus:Collectors:Objects:PageSize", o => o.Collectors.Objects().PageSize = 0 },
        { "Cirrus:Collectors:Objects:PageSize", o => o.Collectors.Objects().PageSize = 101 },
        { "Cirrus:Collectors:Objects:MaxPages", o => o.Collectors.Objects().MaxPages = 0 },
        { "Cirrus:Collectors:Objects:LookBack", o => o.Collectors.Objects().LookBack = TimeSpan.Zero },
        { "Cirrus:Http:AttemptTimeout", o => o.Http.AttemptTimeout = TimeSpan.FromMilliseconds(5) },
        { "Cirrus:Http:MaxRetries", o => o.Http.MaxRetries = -1 },
        { "Cirrus:Http:MaxRetries", o => o.Http.MaxRetries = 11 },
        { "Cirrus:Http:RetryBaseDelay", o => o.Http.RetryBaseDelay = TimeSpan.FromSeconds(-1) },
        { "Cirrus:Http:MaxRetryAfter", o => o.Http.MaxRetryAfter = TimeSpan.FromSeconds(-1) },
        { "Cirrus:Http:RateLimitPerSecond", o => o.Http.RateLimitPerSecond = -1 },
        { "Cirrus:Http:RateIncreaseInterval", o => o.Http.RateIncreaseInterval = TimeSpan.FromMilliseconds(50) },
        { "Cirrus:Http:RateIncreaseStep", o => o.Http.RateIncreaseStep = 0 },
        { "Cirrus:Http:RateIncreaseStep", o => o.Http.RateIncreaseStep = double.NaN },
        { "Cirrus:Http:MaxConcurrency", o => o.Http.MaxConcurrency = 0 },
        { "Cirrus:Http:MaxConcurrency", o => o.Http.MaxConcurrency = 257 },
        { "Cirrus:Http:CircuitFailureRatio", o => o.Http.CircuitFailureRatio = 0 },
        { "Cirrus:Http:CircuitFailureRatio", o => o.Http.CircuitFailureRatio = 1.5 },
        { "Cirrus:Http:CircuitSamplingDuration", o => o.Http.CircuitSamplingDuration = TimeSpan.FromMilliseconds(100) },
        { "Cirrus:Http:CircuitMinimumThroughput", o => o.Http.CircuitMinimumThroughput = 1 },
        { "Cirrus:Http:CircuitBreakDuration", o => o.Http.CircuitBreakDuration = TimeSpan.FromMilliseconds(100) },
        { "Cirrus:Http:MaxResponseBytes", o => o.Http.MaxResponseBytes = 1023 },
        { "Cirrus:Http:MaxResponseBytes",
            o => (o.Http.MaxResponseBytes, o.Http.MaxBufferedResponseBytes) = ((1L << 30) + 1, 1L << 31) },
        { "Cirrus:Http:MaxBufferedResponseBytes", o => o.Http.MaxBufferedResponseBytes = o.Http.MaxResponseBytes - 1 },
        { "Cirrus:ModuleNames:chat", o => o.ModuleNames["chat"] = "chat" },
        { "Cirrus:ModuleNames:9", o => o.ModuleNames["9"] = "Web-Chat" },
        { "Cirrus:StatusNames:1", o => o.StatusNames["1"] = "" },
        { "Cirrus:StatusNames:1", o => o.StatusNames["1"] = new string('a', 65) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_rejects_a_bad_value_with_one_message_naming_the_key(string key, Action<CirrusOptions> breakIt)
    {
        var o = Valid();
        breakIt(o);

        var failure = Assert.Single(Failures(o));
        Assert.StartsWith(key + " ", failure);
    }

    [Theory]
    [InlineData("StatusNames", "8", "pending",
        "Cirrus:StatusNames:8 'pending' is already the name of status 15; give each status a name of its own")]
    [InlineData("StatusNames", "1", "resolved",
        "Cirrus:StatusNames:1 'resolved' is already the name of status 2; give each status a name of its own")]
    [InlineData("ModuleNames", "9", "whatsapp",
        "Cirrus:ModuleNames:9 'whatsapp' is already the name of module 13; give each module a name of its own")]
    [InlineData("StatusNames", "1", "unknown_7",
        "Cirrus:StatusNames:1 'unknown_7' is the name an unnamed status 7 gets; choose another")]
    public void A_name_that_another_status_or_module_already_has_is_refused_naming_the_key(string section, string id,
        string name, string expected)
    {
        var o = Valid();
        (section == "StatusNames" ? o.StatusNames : o.ModuleNames)[id] = name;

        Assert.Equal(expected, Assert.Single(Failures(o)));
    }

    [Fact]
    public void Two_configured_ids_with_one_name_are_refused_and_a_swap_of_names_passes()
    {
        var o = Valid();
        o.StatusNames["20"] = "waiting";
        o.StatusNames["21"] = "waiting";
        Assert.Equal(
        [
            "Cirrus:StatusNames:20 'waiting' is already the name of status 21; give each status a name of its own",
            "Cirrus:StatusNames:21 'waiting' is already the name of status 20; give each status a name of its own",
        ], Failures(o));

        var swapped = Valid();
        swapped.StatusNames["1"] = "in_process";
        swapped.StatusNames["8"] = "open";
        Assert.Empty(Failures(swapped));
    }

    [Fact]
    public void A_directory_as_token_file_is_named_a_directory()
    {
        var failure = Assert.Single(Failures(new CirrusOptions { ApiTokenFile = Path.GetTempPath() }));
        Assert.Equal("Cirrus:ApiTokenFile names a directory, not a file; give the path of the file holding the key "
            + "(for a mounted secret, the file inside the directory)", failure);
    }

    [Theory]
    [InlineData("", "is empty or holds only whitespace")]
    [InlineData(" \n\t\n", "is empty or holds only whitespace")]
    [InlineData("abc\ndef\n", "whitespace or control characters inside the key")]
    public void A_token_file_without_a_usable_token_is_a_configuration_error(string content, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            var failure = Assert.Single(Failures(new CirrusOptions { ApiTokenFile = file }));
            Assert.StartsWith("Cirrus:ApiTokenFile names a file that ", failure);
            Assert.Contains(expected, failure);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Boundary_values_pass()
    {
        var o = Valid();
        o.BaseUrl = new Uri("http://127.0.0.1:8080");
        o.Streams.Add(new StreamOptions { Id = 1, SubStreams = [1] });
        o.MaxDataAge = TimeSpan.FromSeconds(60);
        o.Collectors.Availability().Interval = TimeSpan.FromSeconds(1);
        o.Collectors.Objects().PageSize = 100;
        o.Http.AttemptTimeout = TimeSpan.FromMilliseconds(10);
        o.Http.MaxRetries = 0;
        o.Http.RetryBaseDelay = TimeSpan.Zero;
        o.Http.RateLimitPerSecond = 0;
        o.Http.MaxConcurrency = 256;
        o.Http.CircuitFailureRatio = 1;
        o.Http.CircuitMinimumThroughput = 2;
        o.Http.MaxResponseBytes = 1024;
        o.Http.MaxBufferedResponseBytes = 1024;
        o.ModuleNames["9"] = "web_chat_2";
        o.StatusNames["1"] = new string('a', 64);

        Assert.Empty(Failures(o));
    }

    [Fact]
    public void A_disabled_collector_is_not_checked_against_max_data_age()
    {
        var o = Valid();
        o.Collectors.Objects().Enabled = false;
        o.Collectors.Objects().Interval = TimeSpan.FromHours(1);

        Assert.Empty(Failures(o));
    }

    [Fact]
    public void Several_broken_keys_give_one_message_each()
    {
        var o = Valid();
        o.Http.MaxConcurrency = 0;
        o.Collectors.Objects().PageSize = 0;
        o.MaxDataAge = TimeSpan.FromSeconds(45);

        Assert.Equal(
        [
            "Cirrus:MaxDataAge (00:00:45) must be at least Collectors:Objects:Interval (00:01:00), or data would be "
                + "withdrawn between refreshes",
            "Cirrus:Collectors:Objects:PageSize must be between 1 and 100",
            "Cirrus:Http:MaxConcurrency must be between 1 and 256",
        ], Failures(o));
    }

    [Fact]
    public void Listen_address_errors_name_the_key_and_an_example()
    {
        var result = new WebOptionsValidator().Validate(null, new WebOptions { ListenAddress = "9878" });
        Assert.Equal("Web:ListenAddress must be host:port, e.g. 0.0.0.0:9878 or 127.0.0.1:9878",
            Assert.Single(result.Failures!));
        Assert.True(new WebOptionsValidator().Validate(null, new WebOptions()).Succeeded);
    }

    [Theory]
    [InlineData("0.0.0.0:9878", "0.0.0.0", 9878)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("[::1]:9878", "[::1]", 9878)]
    [InlineData("[::]:80", "[::]", 80)]
    [InlineData("localhost:9878", "localhost", 9878)]
    [InlineData("*:65535", "*", 65535)]
    [InlineData(":9878", "*", 9878)] // as Go exporters' --web.listen-address=:9100: every address
    public void Listen_endpoint_parses_host_and_port(string value, string host, int port)
    {
        Assert.True(ListenEndpoint.TryParse(value, out var endpoint));
        Assert.Equal((host, port), endpoint);
    }

    [Theory]
    [InlineData("9878")]
    [InlineData("exporter.example:9878")]
    [InlineData("0.0.0.0:65536")]
    [InlineData("0.0.0.0:-1")]
    [InlineData("0.0.0.0:http")]
    [InlineData("0.0.0.0:")]
    [InlineData("")]
    public void Listen_endpoint_rejects_anything_else(string value)
    {
        Assert.False(ListenEndpoint.TryParse(value, out var endpoint));
        Assert.Equal(default, endpoint);
    }
}
