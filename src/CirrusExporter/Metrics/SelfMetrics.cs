using Prometheus;

namespace CirrusExporter.Metrics;

/// <summary>
/// The exporter's own live instruments, kept in a per-application prometheus-net registry (so test hosts
/// in one process do not share counters), with the standard process_* metrics beside them.
/// </summary>
public sealed class SelfMetrics
{
    private readonly Counter _requests;
    private readonly Counter _retries;
    private readonly Histogram _duration;
    private readonly Counter _rejected;
    private readonly Gauge _streamsDropped;
    private readonly Counter _folded;
    private readonly Counter _ignored;

    public SelfMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Registry.AddBeforeCollectCallback(new ProcessMetrics(factory).Update);

        _requests = factory.CreateCounter(MetricCatalogue.ApiRequests.Name, MetricCatalogue.ApiRequests.Description, MetricCatalogue.ApiRequests.Labels);
        _retries = factory.CreateCounter(MetricCatalogue.ApiRetries.Name, MetricCatalogue.ApiRetries.Description, MetricCatalogue.ApiRetries.Labels);
        _duration = factory.CreateHistogram(MetricCatalogue.ApiRequestDuration.Name, MetricCatalogue.ApiRequestDuration.Description,
            MetricCatalogue.ApiRequestDuration.Labels,
            new HistogramConfiguration { Buckets = MetricCatalogue.ApiRequestDuration.Buckets });
        _rejected = factory.CreateCounter(MetricCatalogue.ApiResponsesRejected.Name, MetricCatalogue.ApiResponsesRejected.Description, MetricCatalogue.ApiResponsesRejected.Labels);
        // Every combination starts at 0, so increase() and alerts see the first refusal.
        foreach (var endpoint in CirrusExporter.Collectors.CollectorRegistry.All.Select(c => c.Label))
            foreach (var reason in Http.ResponseRejectedException.Reasons)
                _rejected.WithLabels(endpoint, reason);
        _streamsDropped = factory.CreateGauge(MetricCatalogue.StreamsDropped.Name, MetricCatalogue.StreamsDropped.Description);
        _folded = factory.CreateCounter(MetricCatalogue.LabelValuesFolded.Name, MetricCatalogue.LabelValuesFolded.Description, MetricCatalogue.LabelValuesFolded.Labels);
        foreach (var label in new[] { "module", "status" }) _folded.WithLabels(label);
        _ignored = factory.CreateCounter(MetricCatalogue.RowsIgnored.Name, MetricCatalogue.RowsIgnored.Description, MetricCatalogue.RowsIgnored.Labels);
        foreach (var collector in CirrusExporter.Collectors.CollectorRegistry.All)
            foreach (var reason in Http.IgnoredRows.Reasons)
                _ignored.WithLabels(collector.Label, reason);
        factory.CreateGauge(MetricCatalogue.BuildInfo.Name, MetricCatalogue.BuildInfo.Description, MetricCatalogue.BuildInfo.Labels)
            .WithLabels(BuildInfo.Version, BuildInfo.Revision, BuildInfo.Runtime).Set(1);
        // prometheus-net exports process_working_set_bytes; the name every dashboard expects is this one.
        var rss = factory.CreateGauge(MetricCatalogue.ProcessResidentMemory.Name, MetricCatalogue.ProcessResidentMemory.Description);
        Registry.AddBeforeCollectCallback(() => rss.Set(Environment.WorkingSet));
    }

    public CollectorRegistry Registry { get; }

    public void ObserveRequest(string endpoint, string code, TimeSpan duration)
    {
        _requests.WithLabels(endpoint, code).Inc();
        _duration.WithLabels(endpoint).Observe(duration.TotalSeconds);
    }

    public void ObserveRetry(string endpoint) => _retries.WithLabels(endpoint).Inc();

    public void ObserveRejected(string endpoint, string reason) => _rejected.WithLabels(endpoint, reason).Inc();

    public void SetStreamsDropped(int count) => _streamsDropped.Set(count);

    public void ObserveLabelValueFolded(string label) => _folded.WithLabels(label).Inc();

    public void ObserveRowsIgnored(string collector, string reason, int count) => _ignored.WithLabels(collector, reason).Inc(count);
}
