using System.Buffers;
using System.Globalization;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Web;

/// <summary>
/// Assembles one scrape: the fresh pre-rendered parts of the current snapshot (shared, never copied),
/// then a small tail made now: the freshness families and the live self-metrics. Never calls the API
/// and never waits on a refresh. With gzip, the parts' stored gzip members are sent as they are and
/// only the tail is compressed per scrape.
/// </summary>
public sealed class MetricsWriter(SnapshotStore store, SelfMetrics self, TimeProvider time)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>One scrape's body as a list of immutable buffers, and its length on the wire.</summary>
    public sealed record Body(IReadOnlyList<ReadOnlyMemory<byte>> Segments, long Length);

    public async Task<Body> PrepareAsync(bool openMetrics, bool gzip, CancellationToken cancellationToken)
    {
        var snapshot = store.Current;
        var now = time.GetUtcNow();
        var enabled = snapshot.Collectors.Values.Where(c => c.Enabled).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        var segments = new List<ReadOnlyMemory<byte>>();
        foreach (var state in enabled)
            if (state.IsFresh(now, store.MaxDataAge) && snapshot.Parts.TryGetValue(state.Name, out var part))
                segments.Add(gzip ? part.Gzip : part.Text);
        var info = snapshot.Parts[SnapshotRenderer.InfoPart];
        segments.Add(gzip ? info.Gzip : info.Text);

        var tail = new ArrayBufferWriter<byte>(8192);
        var w = new ExpositionWriter(tail);
        w.Family(MetricCatalogue.Up, MetricCatalogue.Up.Description);
        w.Sample(MetricCatalogue.Up, enabled.All(c => c.IsFresh(now, store.MaxDataAge)) ? 1 : 0);
        w.Family(MetricCatalogue.CollectorSuccess, MetricCatalogue.CollectorSuccess.Description);
        foreach (var c in enabled) w.Sample(MetricCatalogue.CollectorSuccess, c.LastSucceeded ? 1 : 0, c.Name);
        w.Family(MetricCatalogue.CollectorLastSuccess, MetricCatalogue.CollectorLastSuccess.Description);
        foreach (var c in enabled)
            if (c.LastSuccess is { } t) w.Sample(MetricCatalogue.CollectorLastSuccess, t.ToUnixTimeMilliseconds() / 1000.0, c.Name);
        w.Family(MetricCatalogue.CollectorDuration, MetricCatalogue.CollectorDuration.Description);
        foreach (var c in enabled)
            if (c.LastDuration is { } d) w.Sample(MetricCatalogue.CollectorDuration, d.TotalSeconds, c.Name);

        // prometheus-net ends its OpenMetrics output with "# EOF", so the self-metrics come last.
        using (var selfText = new MemoryStream())
        {
            await self.Registry.CollectAndExportAsTextAsync(selfText,
                openMetrics ? Prometheus.ExpositionFormat.OpenMetricsText : Prometheus.ExpositionFormat.PrometheusText, cancellationToken);
            tail.Write(selfText.GetBuffer().AsSpan(0, (int)selfText.Length));
        }
        segments.Add(gzip ? RenderedPart.Compress(tail.WrittenSpan) : tail.WrittenMemory);
        return new Body(segments, segments.Sum(s => (long)s.Length));
    }

    /// <summary>Writes an uncompressed text 0.0.4 scrape (for --once and tests).</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        foreach (var segment in (await PrepareAsync(openMetrics: false, gzip: false, cancellationToken)).Segments)
            await output.WriteAsync(segment, cancellationToken);
    }

    /// <summary>Names of enabled collectors whose data is missing or older than MaxDataAge.</summary>
    public IReadOnlyList<string> StaleCollectors()
    {
        var now = time.GetUtcNow();
        return store.Current.Collectors.Values.Where(c => c.Enabled && !c.IsFresh(now, store.MaxDataAge)).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
    }

    internal static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
