using System.Globalization;
using System.Net;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>
/// One line when the exporter is listening, saying what it runs with, and one when it shuts down: written at every
/// Log:Level (the logger keeps this source at Information), so any log shows which version ran where and when.
/// Also warns when the token would travel over plain HTTP to another host.
/// </summary>
public sealed partial class LifecycleLog(
    IEnumerable<CollectorDescriptor> registered,
    IOptions<CirrusOptions> cirrus,
    IOptions<WebOptions> web,
    IHostApplicationLifetime lifetime,
    bool demo,
    ILogger<LifecycleLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Started);
        lifetime.ApplicationStopping.Register(() => LogStopping(BuildInfo.Version));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Started()
    {
        var o = cirrus.Value;
        var collectors = string.Join(", ", registered
            .Where(d => d.Options(o.Collectors).Enabled)
            .Select(d => $"{d.Label} every {d.Options(o.Collectors).Interval.TotalSeconds
                .ToString("0.###", CultureInfo.InvariantCulture)} s"));
        var streams = $"{o.Streams.Count} configured, "
            + $"discovery {(o.DiscoverStreams ? $"on (up to {o.MaxStreams} watched)" : "off")}";
        LogStarted(BuildInfo.Version, BuildInfo.Revision, BuildInfo.Runtime, web.Value.ListenAddress,
            web.Value.TelemetryPath,
            o.BaseUrl.GetLeftPart(UriPartial.Authority), streams, collectors, demo ? "yes (simulated data)" : "no");
        if (SendsTokenInClear(o.BaseUrl)) LogTokenInClear(o.BaseUrl.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>Plain http to a host other than this one: anyone on the path can read the bearer token.</summary>
    public static bool SendsTokenInClear(Uri baseUrl) =>
        baseUrl.Scheme == Uri.UriSchemeHttp && !baseUrl.IsLoopback
        && !(IPAddress.TryParse(baseUrl.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Starting cirrus-exporter {Version} (revision {Revision}, {Runtime}): listening on {ListenAddress} "
            + "(metrics at {TelemetryPath}); API {Api}; streams {Streams}; collectors {Collectors}; demo {Demo}")]
    private partial void LogStarted(string version, string revision, string runtime, string listenAddress,
        string telemetryPath, string api, string streams, string collectors, string demo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down cirrus-exporter {Version}")]
    private partial void LogStopping(string version);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Cirrus:BaseUrl {Api} is plain http to another host: the API token is sent unencrypted with every "
            + "call; use https")]
    private partial void LogTokenInClear(string api);
}
