using Microsoft.Net.Http.Headers;

namespace CirrusExporter.Web;

/// <summary>Which exposition format and encoding a scrape asked for (Accept, Accept-Encoding with q-values).</summary>
public static class ContentNegotiation
{
    /// <summary>
    /// OpenMetrics when the client accepts application/openmetrics-text at least as much as text/plain
    /// (Prometheus asks for it first); text 0.0.4 otherwise, and for any client that does not say.
    /// </summary>
    public static bool WantsOpenMetrics(IList<string>? accept)
    {
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types)) return false;
        double openMetrics = 0, text = 0;
        foreach (var t in types)
        {
            var q = t.Quality ?? 1;
            if (t.MediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase))
                openMetrics = Math.Max(openMetrics, q);
            else if (t.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
                text = Math.Max(text, q);
        }
        return openMetrics > 0 && openMetrics >= text;
    }

    public static bool AcceptsGzip(IList<string>? acceptEncoding) =>
        StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings)
        && codings.Any(c => c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && (c.Quality ?? 1) > 0);
}
