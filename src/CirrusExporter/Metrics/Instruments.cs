using System.Globalization;

namespace CirrusExporter.Metrics;

/// <summary>
/// A counter or gauge family of the exporter's own, its name, help and labels from its <see cref="MetricDefinition"/>.
/// A child per label-value combination, made on first use and written in that order; unlabelled families have
/// their one child from the start, so they read 0 before anything happens.
/// </summary>
public sealed class ValueFamily
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Value> _byKey = [];
    private readonly List<Value> _children = [];

    public ValueFamily(MetricDefinition metric)
    {
        Metric = metric;
        if (metric.Labels.Length == 0) WithLabels();
    }

    public MetricDefinition Metric { get; }

    public Value WithLabels(params string[] labelValues)
    {
        if (labelValues.Length != Metric.Labels.Length)
            throw new ArgumentException($"{Metric.Name} has {Metric.Labels.Length} label(s), given {labelValues.Length}");
        var key = string.Join('\u0001', labelValues);
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var child)) return child;
            child = new Value(labelValues);
            _byKey.Add(key, child);
            _children.Add(child);
            return child;
        }
    }

    public void Write(ExpositionWriter w)
    {
        Value[] children;
        lock (_lock) children = [.. _children];
        w.Family(Metric, Metric.Description);
        foreach (var child in children) w.Sample(Metric, child.Current, child.LabelValues);
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

/// <summary>A histogram family of the exporter's own: buckets from its <see cref="MetricDefinition.Buckets"/>.</summary>
public sealed class HistogramFamily(MetricDefinition metric)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Series> _byKey = [];
    private readonly List<Series> _children = [];
    private readonly double[] _bounds = metric.Buckets ?? throw new ArgumentException($"{metric.Name} has no buckets");

    public MetricDefinition Metric => metric;

    public void Observe(double value, params string[] labelValues)
    {
        var key = string.Join('\u0001', labelValues);
        Series series;
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out series!))
            {
                series = new Series(labelValues, _bounds.Length);
                _byKey.Add(key, series);
                _children.Add(series);
            }
        }
        var bucket = Array.FindIndex(_bounds, b => value <= b);
        // One lock per series: a scrape reads its buckets, sum and count as one observation set.
        lock (series)
        {
            if (bucket >= 0) series.Counts[bucket]++;
            series.Sum += value;
            series.Count++;
        }
    }

    public void Write(ExpositionWriter w)
    {
        Series[] children;
        lock (_lock) children = [.. _children];
        w.Family(metric, metric.Description);
        foreach (var s in children)
        {
            long[] cumulative;
            double sum;
            long count;
            lock (s)
            {
                cumulative = new long[s.Counts.Length];
                long running = 0;
                for (var i = 0; i < s.Counts.Length; i++) cumulative[i] = running += s.Counts[i];
                (sum, count) = (s.Sum, s.Count);
            }
            w.Histogram(metric, cumulative, sum, count, s.LabelValues);
        }
    }

    private sealed class Series(string[] labelValues, int buckets)
    {
        public string[] LabelValues => labelValues;
        public long[] Counts { get; } = new long[buckets];
        public double Sum { get; set; }
        public long Count { get; set; }
    }
}
