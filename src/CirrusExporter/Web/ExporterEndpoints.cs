using CirrusExporter.Snapshot;

namespace CirrusExporter.Web;

/// <summary>/metrics, /healthz, /readyz and the landing page.</summary>
public static class ExporterEndpoints
{
    public static WebApplication MapExporterEndpoints(this WebApplication app, bool demo)
    {
        app.MapGet("/metrics", async (HttpContext http, MetricsWriter writer) =>
        {
            http.Response.ContentType = MetricsWriter.ContentType;
            await writer.WriteAsync(http.Response.Body, http.RequestAborted);
        });
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (MetricsWriter writer) =>
        {
            var stale = writer.StaleCollectors();
            return stale.Count == 0
                ? Results.Text("ready\n")
                : Results.Text($"not ready: no fresh data from {string.Join(", ", stale)}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/", (SnapshotStore store, TimeProvider time) =>
            Results.Content(LandingPage.Render(store.Current, time.GetUtcNow(), store.MaxDataAge, demo), "text/html; charset=utf-8"));
        return app;
    }
}
