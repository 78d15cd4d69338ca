using CirrusExporter.Snapshot;

namespace CirrusExporter.Web;

/// <summary>
/// /metrics, /healthz, /readyz and the landing page; each answers HEAD like GET, without the body. With
/// basic auth configured, every path needs it (as in exporter-toolkit); a refusal is 401 with no body.
/// </summary>
public static class ExporterEndpoints
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static WebApplication MapExporterEndpoints(this WebApplication app, bool demo)
    {
        var security = app.Services.GetRequiredService<WebSecurity>();
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
        app.MapMethods("/metrics", GetAndHead, (HttpContext http, MetricsServer server) => server.ServeAsync(http));
        app.MapMethods("/healthz", GetAndHead, () => Results.Text("ok\n"));
        app.MapMethods("/readyz", GetAndHead, (MetricsWriter writer) =>
        {
            var stale = writer.StaleCollectors();
            return stale.Count == 0
                ? Results.Text("ready\n")
                : Results.Text($"not ready: no fresh data from {string.Join(", ", stale)}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMethods("/", GetAndHead, (SnapshotStore store, TimeProvider time) =>
            Results.Content(LandingPage.Render(store.Current, time.GetUtcNow(), store.MaxDataAge, demo), "text/html; charset=utf-8"));
        return app;
    }
}
