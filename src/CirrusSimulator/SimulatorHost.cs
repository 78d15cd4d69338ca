using CirrusSimulator.Admin;
using CirrusSimulator.Api;
using CirrusSimulator.Simulation;

namespace CirrusSimulator;

public static class SimulatorHost
{
    /// <summary>
    /// Builds (does not start) a WebApplication serving the simulated Cirrus API and /admin on <paramref name="url"/>
    /// (e.g. "http://127.0.0.1:0"). <paramref name="time"/> defaults to TimeProvider.System.
    /// </summary>
    /// <exception cref="ArgumentException">The options are unusable; the message names the key.</exception>
    public static WebApplication Create(SimulatorOptions options, string url, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        OptionsValidation.Validate(options);

        // An empty builder reads no appsettings, environment or Kestrel configuration, so a host process
        // (the exporter's demo mode) cannot leak its own settings into the simulator.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.SetMinimumLevel(options.LogLevel).AddSimpleConsole(console => console.SingleLine = true);

        time ??= TimeProvider.System;
        var clock = new SimulatedClock(time, options.StartTime, options.SpeedFactor);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(new Tenant(options, clock));
        builder.Services.AddSingleton(new FaultState(options.Faults, options.Seed, time));
        builder.Services.AddSingleton<CallCounter>();

        var app = builder.Build();
        app.Urls.Add(url);
        app.UseRouting();
        app.UseMiddleware<GuardMiddleware>();
        CirrusApi.Map(app);
        AdminApi.Map(app);
        return app;
    }
}
