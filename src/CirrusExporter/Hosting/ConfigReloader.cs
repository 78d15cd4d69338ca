using System.Runtime.InteropServices;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>
/// Reloads the configuration on SIGHUP and POST /-/reload: re-reads every source, checks and binds it as start-up does,
/// and swaps the Cirrus options the scheduler, collectors and snapshot read at each refresh (streams, names, intervals,
/// thresholds, collectors on or off), keeping the data, counters and histograms of streams that stay. A bad
/// configuration is refused with one line and the running one stays. Keys read once at start (the Web and Log sections,
/// Cirrus:BaseUrl, Cirrus:Http) keep their running values; a change to them is logged as needing a restart.
/// </summary>
public sealed partial class ConfigReloader(
    IConfiguration configuration,
    IOptionsFactory<CirrusOptions> cirrus,
    IOptionsFactory<WebOptions> web,
    IOptionsFactory<LogOptions> log,
    IEnumerable<CollectorDescriptor> collectors,
    LiveCirrusOptions live,
    SnapshotStore store,
    SelfMetrics metrics,
    TimeProvider time,
    ILogger<ConfigReloader> logger) : IHostedService, IDisposable
{
    /// <summary>Keys whose values are taken once, at start.</summary>
    private static readonly string[] RestartOnly =
    [
        WebOptions.Section,
        LogOptions.Section,
        $"{CirrusOptions.Section}:{nameof(CirrusOptions.BaseUrl)}",
        $"{CirrusOptions.Section}:{nameof(CirrusOptions.Http)}",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string?> _startValues = RestartOnlyValues(configuration);
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a handler SIGHUP ends the process (exit 129).
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = ReloadAsync("SIGHUP");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _hangup?.Dispose();
        _gate.Dispose();
    }

    /// <summary>Reads the sources again; a settings file broken since is refused like any other bad value.</summary>
    private string? Reread()
    {
        try
        {
            (configuration as IConfigurationRoot)?.Reload();
            return null;
        }
        catch (InvalidDataException e) when (ConfigurationErrors.Unreadable(e) is { } unreadable)
        {
            return unreadable;
        }
    }

    /// <returns>null when the new configuration runs, else why it was refused (one line).</returns>
    public async Task<string?> ReloadAsync(string trigger)
    {
        await _gate.WaitAsync();
        try
        {
            CirrusOptions? next = null;
            var error = Reread() ?? ConfigurationErrors.Check(configuration, collectors, () =>
            {
                next = cirrus.Create(Options.DefaultName);
                _ = web.Create(Options.DefaultName);
                _ = log.Create(Options.DefaultName);
            });
            if (error is not null)
            {
                metrics.ObserveReload(false, time.GetUtcNow());
                LogRefused(trigger, error);
                return error;
            }

            var running = live.Value;
            next!.BaseUrl = running.BaseUrl;
            next.Http = running.Http;
            store.Reconfigure(next);
            live.Replace(next);
            metrics.ObserveReload(true, time.GetUtcNow());
            LogReloaded(trigger, next.Streams.Count);
            var changed = RestartOnlyValues(configuration);
            var pending = _startValues.Keys.Union(changed.Keys)
                .Where(k => _startValues.GetValueOrDefault(k) != changed.GetValueOrDefault(k))
                .Order(StringComparer.Ordinal).ToList();
            if (pending.Count > 0) LogNeedsRestart(string.Join(", ", pending));
            return null;
        }
        catch (Exception e)
        {
            // A signal's reload runs unobserved: whatever stops it is said, never lost.
            metrics.ObserveReload(false, time.GetUtcNow());
            LogRefused(trigger, e.Message);
            return e.Message;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Dictionary<string, string?> RestartOnlyValues(IConfiguration configuration) =>
        RestartOnly.SelectMany(key => configuration.GetSection(key).AsEnumerable().Where(kv => kv.Value is not null))
            .GroupBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Configuration reload ({Trigger}) refused, the previous configuration keeps running: {Error}")]
    private partial void LogRefused(string trigger, string error);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Configuration reloaded ({Trigger}): {Streams} configured stream(s)")]
    private partial void LogReloaded(string trigger, int streams);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Configuration changed in keys read only at start, which keep their running values until a restart: "
            + "{Keys}")]
    private partial void LogNeedsRestart(string keys);
}
