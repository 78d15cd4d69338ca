using System.Net;
using CirrusExporter.Api;
using CirrusExporter.Collectors;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.Web;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serilog;

namespace CirrusExporter.Hosting;

/// <summary>Registers the exporter: options, API client, collectors, snapshot, web surface, logging.</summary>
public static class ExporterServices
{
    /// <param name="demo">Run against the built-in simulator (--demo): the start line says so.</param>
    public static WebApplicationBuilder AddCirrusExporter(this WebApplicationBuilder builder, bool demo = false)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        // Validated by ConfigurationErrors before start and at each reload, not ValidateOnStart: its options monitor
        // would validate again on every configuration change and throw out of the reload, or of the file watcher,
        // instead. Unknown keys of the Cirrus section are reported by ConfigurationErrors from the key walk, which
        // knows every collector's section; the binder cannot, since each collector binds its own.
        services.AddOptions<CirrusOptions>()
            .Bind(config.GetSection(CirrusOptions.Section))
            .Configure<IEnumerable<CollectorDescriptor>>((o, collectors) => o.Collectors.Bind(
                config.GetSection($"{CirrusOptions.Section}:{nameof(CirrusOptions.Collectors)}"), collectors));
        services.AddSingleton<IValidateOptions<CirrusOptions>, CirrusOptionsValidator>();
        services.AddSingleton<LiveCirrusOptions>();
        services.AddSingleton<IOptions<CirrusOptions>>(sp => sp.GetRequiredService<LiveCirrusOptions>());
        services.AddOptions<WebOptions>()
            .Bind(config.GetSection(WebOptions.Section), o => o.ErrorOnUnknownConfiguration = true);
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.AddOptions<LogOptions>()
            .Bind(config.GetSection(LogOptions.Section), o => o.ErrorOnUnknownConfiguration = true);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SelfMetrics(sp.GetServices<CollectorDescriptor>().Select(d => d.Label)));
        services.AddSingleton(sp => new LabelNames(sp.GetRequiredService<IOptions<CirrusOptions>>().Value,
            sp.GetRequiredService<SelfMetrics>()));
        services.AddSingleton<ApiResponseReader>();
        services.AddCirrusApiClient();

        services.AddCollectors();
        services.AddSingleton<CollectorBudget>();
        services.AddSingleton<CollectorRunner>();
        services.AddHostedService<CollectorScheduler>();
        services.AddHostedService<QuietMemoryTrim>();
        services.AddSingleton<ConfigReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<LifecycleLog>(sp, demo));

        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<MetricsWriter>();
        services.AddSingleton<MetricsServer>();
        services.AddSingleton<WebSecurity>();

        // Reads the raw values: a bad one must reach ConfigurationErrors as one line, not throw inside Build().
        services.AddOptions<KestrelServerOptions>().Configure<IServiceProvider>((kestrel, sp) =>
        {
            var rate = int.TryParse(config[$"{WebOptions.Section}:MinResponseBytesPerSecond"], out var r)
                ? r
                : new WebOptions().MinResponseBytesPerSecond;
            kestrel.Limits.MinResponseDataRate = rate > 0 ? new MinDataRate(rate, TimeSpan.FromSeconds(5)) : null;
            if (!ListenEndpoint.TryParse(
                    config[$"{WebOptions.Section}:ListenAddress"] ?? new WebOptions().ListenAddress, out var endpoint))
            {
                return;
            }
            WebSecurity security;
            try { security = sp.GetRequiredService<WebSecurity>(); }
            catch (OptionsValidationException) { return; }
            Action<ListenOptions> listen = security.Tls is null ? _ => { } : l => l.UseHttps(security.ConfigureHttps);
            if (endpoint.Host is "*") kestrel.ListenAnyIP(endpoint.Port, listen);
            else if (endpoint.Host is "localhost") kestrel.ListenLocalhost(endpoint.Port, listen);
            else kestrel.Listen(IPAddress.Parse(endpoint.Host.Trim('[', ']')), endpoint.Port, listen);
        });

        services.AddSerilog((sp, log) =>
        {
            // A bad Log section must not stop the logger itself: defaults apply and start-up reports the key.
            LogOptions o;
            try { o = sp.GetRequiredService<IOptions<LogOptions>>().Value; }
            catch (InvalidOperationException) { o = new LogOptions(); }
            log.MinimumLevel.Is(o.Level)
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", Serilog.Events.LogEventLevel.Warning)
                // Polly logs every retry itself; the collectors summarise them once per refresh.
                .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Fatal)
                // The start and shutdown lines, at every level.
                .MinimumLevel.Override(typeof(LifecycleLog).FullName!, Serilog.Events.LogEventLevel.Information)
                // Start-up reports a failed bind as one line; the host's stack trace of it would bury that line.
                .Filter.ByExcluding(e => ListenFailure.Describe(e.Exception) is not null)
                .Enrich.FromLogContext()
                .ReadFrom.Services(sp);
            if (o.Format == LogFormat.Json)
            {
                log.WriteTo.Console(new JsonLogFormatter(),
                    standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose);
            }
            else
            {
                log.WriteTo.Console(
                    outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffK} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose);
            }
        }, preserveStaticLogger: true); // one logger per host: in-process test hosts must not share one
        return builder;
    }
}
