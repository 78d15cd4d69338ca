using CirrusExporter.Api;

namespace CirrusExporter.Metrics;

/// <summary>
/// The exporter's own live instruments (one set per application, so test hosts in one process do not share
/// counters), written after the snapshot's parts by <see cref="Write"/> with the process and runtime families.
/// </summary>
public sealed class SelfMetrics
{
    private readonly ProcessMetrics _process = new();
    private readonly ValueFamily _requests = new(MetricCatalogue.ApiRequests);
    private readonly ValueFamily _retries = new(MetricCatalogue.ApiRetries);
    private readonly HistogramFamily _duration = new(MetricCatalogue.ApiRequestDuration);
    private readonly ValueFamily _rejected = new(MetricCatalogue.ApiResponsesRejected);
    private readonly ValueFamily _streamsDropped = new(MetricCatalogue.StreamsDropped);
    private readonly ValueFamily _folded = new(MetricCatalogue.LabelValuesFolded);
    private readonly ValueFamily _ignored = new(MetricCatalogue.RowsIgnored);
    private readonly ValueFamily _skipped = new(MetricCatalogue.CallsSkipped);
    private readonly ValueFamily _buildInfo = new(MetricCatalogue.BuildInfo);
    private double _clockSkew = double.NaN;
    private double _requestRate = double.NaN;
    private (string Collector, double Seconds)[] _intervals = [];
    private double _utilisation = double.NaN;
    private readonly ValueFamily _reloadSuccessful = new(MetricCatalogue.ConfigLastReloadSuccessful);
    private readonly ValueFamily _reloadSuccess = new(MetricCatalogue.ConfigLastReloadSuccess);
    private long _version;

    /// <param name="collectors">The collectors' labels (the <c>collector</c> and <c>endpoint</c> label values).</param>
    public SelfMetrics(IEnumerable<string> collectors)
    {
        var labels = collectors.ToList();
        // Every combination starts at 0, so increase() and alerts see the first refusal.
        foreach (var endpoint in labels)
        {
            foreach (var reason in ResponseRejectedException.Reasons)
                _rejected.WithLabels(endpoint, reason);
        }

        foreach (var label in new[] { "module", "status" }) _folded.WithLabels(label);
        foreach (var collector in labels)
        {
            foreach (var reason in IgnoredRows.Reasons) _ignored.WithLabels(collector, reason);
            _skipped.WithLabels(collector);
        }
        _buildInfo.WithLabels(BuildInfo.Version, BuildInfo.Revision, BuildInfo.Runtime).Set(1);
        // The configuration was loaded, and validated, as the process started.
        _reloadSuccessful.WithLabels().Set(1);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var started = new DateTimeOffset(process.StartTime.ToUniversalTime());
        _reloadSuccess.WithLabels().Set(started.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>
    /// Moves whenever an instrument here does (not the process and runtime families, which move all the time): a scrape
    /// may reuse the text written at the same version within the same second.
    /// </summary>
    public long Version => Volatile.Read(ref _version);

    private void Changed() => Interlocked.Increment(ref _version);

    public void ObserveRequest(string endpoint, string code, TimeSpan duration)
    {
        _requests.WithLabels(endpoint, code).Inc();
        _duration.Observe(duration.TotalSeconds, endpoint);
        Changed();
    }

    public void ObserveRetry(string endpoint)
    {
        _retries.WithLabels(endpoint).Inc();
        Changed();
    }

    public void ObserveRejected(string endpoint, string reason)
    {
        _rejected.WithLabels(endpoint, reason).Inc();
        Changed();
    }

    public void SetClockSkew(double seconds)
    {
        Volatile.Write(ref _clockSkew, seconds);
        Changed();
    }

    public void SetRequestRate(double perSecond)
    {
        Volatile.Write(ref _requestRate, perSecond);
        Changed();
    }

    /// <summary>
    /// The scheduler's latest plan: the enabled collectors' effective intervals, replacing the previous set, and its
    /// utilisation (NaN: unlimited).
    /// </summary>
    public void SetPlan((string Collector, double Seconds)[] intervals, double utilisation)
    {
        Volatile.Write(ref _intervals, intervals);
        Volatile.Write(ref _utilisation, utilisation);
        Changed();
    }

    public void SetStreamsDropped(int count)
    {
        _streamsDropped.WithLabels().Set(count);
        Changed();
    }

    public void ObserveLabelValueFolded(string label)
    {
        _folded.WithLabels(label).Inc();
        Changed();
    }

    /// <summary>A reload's outcome, as Prometheus' prometheus_config_last_reload_* families.</summary>
    public void ObserveReload(bool succeeded, DateTimeOffset at)
    {
        _reloadSuccessful.WithLabels().Set(succeeded ? 1 : 0);
        if (succeeded) _reloadSuccess.WithLabels().Set(at.ToUnixTimeMilliseconds() / 1000.0);
        Changed();
    }

    public void ObserveCallsSkipped(string collector, int count)
    {
        _skipped.WithLabels(collector).Inc(count);
        Changed();
    }

    public void ObserveRowsIgnored(string collector, string reason, int count)
    {
        _ignored.WithLabels(collector, reason).Inc(count);
        Changed();
    }

    /// <summary>The runtime families, then the exporter's own, read now.</summary>
    public void Write(ExpositionWriter w)
    {
        _process.Write(w);
        _requests.Write(w);
        _retries.Write(w);
        _duration.Write(w);
        _rejected.Write(w);
        // Absent until a response has been timed: 0 would claim clocks in step that were never compared.
        w.Family(MetricCatalogue.ClockSkew, MetricCatalogue.ClockSkew.Description);
        if (Volatile.Read(ref _clockSkew) is var skew && !double.IsNaN(skew)) w.Sample(MetricCatalogue.ClockSkew, skew);
        // Absent while the limit is off.
        w.Family(MetricCatalogue.RequestRateLimit, MetricCatalogue.RequestRateLimit.Description);
        if (Volatile.Read(ref _requestRate) is var rate && !double.IsNaN(rate))
            w.Sample(MetricCatalogue.RequestRateLimit, rate);
        w.Family(MetricCatalogue.EffectiveInterval, MetricCatalogue.EffectiveInterval.Description);
        foreach (var (collector, seconds) in Volatile.Read(ref _intervals))
            w.Sample(MetricCatalogue.EffectiveInterval, seconds, collector);
        w.Family(MetricCatalogue.BudgetUtilisation, MetricCatalogue.BudgetUtilisation.Description);
        if (Volatile.Read(ref _utilisation) is var utilisation && !double.IsNaN(utilisation))
            w.Sample(MetricCatalogue.BudgetUtilisation, utilisation);
        _skipped.Write(w);
        _streamsDropped.Write(w);
        _folded.Write(w);
        _ignored.Write(w);
        _buildInfo.Write(w);
        _reloadSuccessful.Write(w);
        _reloadSuccess.Write(w);
    }
}
