namespace CirrusExporter.Metrics;

/// <summary>
/// A counter or gauge family of the exporter's own, its name, help and labels from its <see cref="MetricDefinition"/>.
/// A child per label-value combination, made on first use and written in that order; unlabelled families have
/// their one child from the start, so they read 0 before anything happens.
/// </summary>
public sealed class ValueFamily
{
    private readonly LabelledChildren<Value> _children;

    public ValueFamily(MetricDefinition metric)
    {
        Metric = metric;
        _children = new(metric, labelValues => new Value(labelValues));
        if (metric.Labels.Length == 0) WithLabels();
    }

    public MetricDefinition Metric { get; }

    public Value WithLabels(params string[] labelValues) => _children.Get(labelValues);

    public void Write(ExpositionWriter w)
    {
        w.Family(Metric, Metric.Description);
        foreach (var child in _children.All()) w.Sample(Metric, child.Current, child.LabelValues);
    }

    /// <summary>One series: a double read and changed atomically.</summary>
    public sealed class Value(string[] labelValues)
    {
        private double _value;

        public string[] LabelValues => labelValues;

        public double Current => Volatile.Read(ref _value);

        public void Set(double value) => Interlocked.Exchange(ref _value, value);

        public void Inc(double by = 1)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _value);
                next = seen + by;
            }
            while (Interlocked.CompareExchange(ref _value, next, seen) != seen);
        }
    }
}

/// <summary>
/// A histogram family of the exporter's own: buckets from its <see cref="MetricDefinition.Buckets"/>.
/// </summary>
public sealed class HistogramFamily
{
    private readonly LabelledChildren<Series> _children;

    public HistogramFamily(MetricDefinition metric)
    {
        var bounds = metric.Buckets ?? throw new ArgumentException($"{metric.Name} has no buckets");
        Metric = metric;
        _children = new(metric, labelValues => new Series(labelValues, bounds));
    }

    public MetricDefinition Metric { get; }

    public void Observe(double value, params string[] labelValues)
    {
        var series = _children.Get(labelValues);
        // One lock per series: a scrape reads its buckets, sum and count as one observation set.
        lock (series) series.Counts.Observe(value);
    }

    public void Write(ExpositionWriter w)
    {
        w.Family(Metric, Metric.Description);
        foreach (var s in _children.All())
        {
            HistogramSnapshot histogram;
            lock (s) histogram = s.Counts.Snapshot();
            w.Histogram(Metric, histogram, s.LabelValues);
        }
    }

    private sealed class Series(string[] labelValues, double[] bounds)
    {
        public string[] LabelValues => labelValues;
        public HistogramCounts Counts { get; } = new(bounds);
    }
}

/// <summary>
/// A family's children, one per label-value combination, made on first use and listed in that order.
/// Shared by the value and histogram families, so both check label counts and snapshot their children alike.
/// </summary>
internal sealed class LabelledChildren<T>(MetricDefinition metric, Func<string[], T> create)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _byKey = [];
    private readonly List<T> _inOrder = [];

    public T Get(string[] labelValues)
    {
        if (labelValues.Length != metric.Labels.Length)
        {
            throw new ArgumentException(
                $"{metric.Name} has {metric.Labels.Length} label(s), given {labelValues.Length}");
        }
        var key = string.Join('\u0001', labelValues);
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var child)) return child;
            child = create(labelValues);
            _byKey.Add(key, child);
            _inOrder.Add(child);
            return child;
        }
    }

    /// <summary>The children now, safe to enumerate while others are added.</summary>
    public T[] All()
    {
        lock (_lock) return [.. _inOrder];
    }
}
