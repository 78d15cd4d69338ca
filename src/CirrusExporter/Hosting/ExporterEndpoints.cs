using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using CirrusExporter.Web;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Hosting;

/// <summary>
/// /metrics (or Web:TelemetryPath), /healthz, /readyz and the landing page, each answering HEAD like GET without the
/// body, and POST /-/reload when Web:EnableLifecycle is on (403 otherwise, as Prometheus). With basic auth configured,
/// every path needs it (as in exporter-toolkit); a refusal is 401 with no body.
/// </summary>
public static class ExporterEndpoints
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static WebApplication MapExporterEndpoints(this WebApplication app, bool demo)
    {
        var security = app.Services.GetRequiredService<WebSecurity>();
        var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        if (security.RequiresAuth)
        {
            app.Use(async (http, next) =>
            {
                if (security.Authorized(http.Request))
                {
                    await next(http);
                    return;
                }
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"cirrus-exporter\", charset=\"UTF-8\"";
            });
        }
        app.MapMethods(web.TelemetryPath, GetAndHead,
            (HttpContext http, MetricsServer server) => server.ServeAsync(http));
        app.MapMethods("/healthz", GetAndHead, () => Results.Text("ok\n"));
        app.MapMethods("/readyz", GetAndHead, (MetricsWriter writer) =>
        {
            var stale = writer.StaleCollectors();
            return stale.Count == 0
                ? Results.Text("ready\n")
                : Results.Text($"not ready: no fresh data from {string.Join(", ", stale)}\n",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMethods("/", GetAndHead, (SnapshotStore store, TimeProvider time) =>
            Results.Content(
                LandingPage.Render(store.Current, time.GetUtcNow(), store.MaxDataAge, demo, web.TelemetryPath),
                "text/html; charset=utf-8"));
        app.MapMethods("/-/reload", [HttpMethods.Post, HttpMethods.Put], async (ConfigReloader reloader) =>
        {
            if (!web.EnableLifecycle)
            {
                return Results.Text(
                    "lifecycle API is not enabled: start with --web.enable-lifecycle (Web:EnableLifecycle=true)\n",
                    statusCode: StatusCodes.Status403Forbidden);
            }
            return await reloader.ReloadAsync("POST /-/reload") is { } error
                ? Results.Text($"configuration not reloaded: {error}\n",
                    statusCode: StatusCodes.Status500InternalServerError)
                : Results.Text("configuration reloaded\n");
        });
        return app;
    }
}
