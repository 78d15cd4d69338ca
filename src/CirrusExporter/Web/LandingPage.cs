using System.Net;
using System.Text;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Web;

/// <summary>The / page: links, version and each collector's last success and error. Shows no secrets.</summary>
public static class LandingPage
{
    public static string Render(
        MetricsSnapshot snapshot, DateTimeOffset now, TimeSpan maxAge, bool demo, string metricsPath)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cirrus Exporter</title>")
          .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
              + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
              + ".ok{color:#1a7f37}.bad{color:#cf222e}</style>")
          .Append("</head><body><h1>Cirrus Exporter</h1>")
          .Append("<p>Version ").Append(E(BuildInfo.Version))
          .Append(" (").Append(E(BuildInfo.Revision)).Append("), ").Append(E(BuildInfo.Runtime)).Append("</p>");
        if (demo)
        {
            sb.Append("<p class=\"bad\"><strong>Demo mode:</strong> the data below comes from the built-in simulator, "
                + "not from Cirrus.</p>");
        }
        // Relative links, so the page also works behind a proxy that serves it under a prefix.
        sb.Append("<ul><li><a href=\"").Append(E(metricsPath.TrimStart('/'))).Append("\">")
          .Append(E(metricsPath)).Append("</a></li>")
          .Append("<li><a href=\"healthz\">/healthz</a></li><li><a href=\"readyz\">/readyz</a></li></ul>")
          .Append("<h2>Collectors</h2><table><tr><th>collector</th><th>interval</th><th>state</th>"
              + "<th>last success</th><th>last duration</th><th>last error</th></tr>");
        foreach (var c in snapshot.Collectors.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var state = !c.Enabled ? "disabled"
                : c.IsFresh(now, maxAge) ? (c.LastSucceeded ? "ok" : "partial")
                : "stale";
            sb.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>")
              .Append(MetricsWriter.Seconds(c.Interval.TotalSeconds)).Append(" s</td>")
              .Append("<td class=\"").Append(state == "ok" ? "ok" : "bad").Append("\">")
              .Append(state).Append("</td><td>")
              .Append(c.LastSuccess is { } t ? E(t.ToString("u")) : "never").Append("</td><td>")
              .Append(c.LastDuration is { } d ? MetricsWriter.Seconds(d.TotalSeconds) + " s" : "").Append("</td><td>")
              .Append(E(c.LastError)).Append("</td></tr>");
        }
        sb.Append("</table><p>").Append(snapshot.Catalogue.Streams.Count)
          .Append(" streams and sub-streams watched.</p></body></html>");
        return sb.ToString();
    }
}
