using System.Globalization;
using System.Text;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Web;

/// <summary>
/// Serialises one scrape: the fresh pre-rendered parts of the current snapshot, the freshness families
/// computed now, then the live self-metrics. Never calls the API and never waits on a refresh.
/// </summary>
public sealed class MetricsWriter(SnapshotStore store, SelfMetrics self, TimeProvider time)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        var snapshot = store.Current;
        var now = time.GetUtcNow();
        var enabled = snapshot.Collectors.Values.Where(c => c.Enabled).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        foreach (var state in enabled)
            if (state.IsFresh(now, store.MaxDataAge) && snapshot.Parts.TryGetValue(state.Name, out var part))
                await output.WriteAsync(part, cancellationToken);
        await output.WriteAsync(snapshot.Parts[SnapshotRenderer.InfoPart], cancellationToken);

        var sb = new StringBuilder();
        var w = new ExpositionWriter(sb);
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
        await output.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), cancellationToken);

        await self.Registry.CollectAndExportAsTextAsync(output, cancellationToken);
    }

    /// <summary>Names of enabled collectors whose data is missing or older than MaxDataAge.</summary>
    public IReadOnlyList<string> StaleCollectors()
    {
        var now = time.GetUtcNow();
        return store.Current.Collectors.Values.Where(c => c.Enabled && !c.IsFresh(now, store.MaxDataAge)).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
    }

    internal static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
