using System.Threading.Channels;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Holds the published snapshot. Collectors publish through <see cref="PublishAsync"/> (serialised,
/// CPU-only work); scrapes read <see cref="Current"/> without locking and never wait for a refresh.
/// </summary>
public sealed class SnapshotStore : IDisposable
{
    private readonly object _writeGate = new();
    private readonly Channel<Action> _publishes =
        Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _publisherGate = new();
    private Thread? _publisher;
    private readonly Dictionary<string, CollectorDescriptor> _collectors;
    private readonly string _streamSource;
    private readonly LabelNames _labels;
    private CirrusOptions _options;
    private SnapshotRenderer _renderer;
    private readonly TimeProvider _time;
    private MetricsSnapshot _current;

    public SnapshotStore(
        IEnumerable<CollectorDescriptor> collectors, IOptions<CirrusOptions> options, LabelNames labels,
        TimeProvider time)
    {
        _collectors = collectors.ToDictionary(d => d.Label);
        _streamSource = _collectors.Values.Single(d => d.Role == CollectorRole.StreamSource).Label;
        _options = options.Value;
        _labels = labels;
        _renderer = new SnapshotRenderer(_options, labels);
        _time = time;
        var states = _collectors.Values.ToDictionary(d => d.Label, d => new CollectorState(
            d.Label, d.Options(_options.Collectors).Enabled, d.Options(_options.Collectors).Interval));
        var catalogue = StreamCatalogue.Build(_options, StreamCatalogue.Empty, null, null);
        _current = new MetricsSnapshot(0, states, catalogue,
            _renderer.Render(states, catalogue, new Dictionary<string, RenderedPart>()), _streamSource);
    }

    public MetricsSnapshot Current => Volatile.Read(ref _current);

    public TimeSpan MaxDataAge => Volatile.Read(ref _options).MaxDataAge;

    /// <summary>
    /// Applies reloaded options: label names, each collector's enabled flag and interval, the stream catalogue (names,
    /// streams), and every part rendered again, since HELP texts name the intervals. Data and counters are kept.
    /// </summary>
    public void Reconfigure(CirrusOptions options)
    {
        lock (_writeGate)
        {
            _labels.Apply(options);
            Volatile.Write(ref _options, options);
            _renderer = new SnapshotRenderer(options, _labels);
            var states = _current.Collectors.Values.ToDictionary(s => s.Name, s =>
            {
                var o = _collectors[s.Name].Options(options.Collectors);
                return s with { Enabled = o.Enabled, Interval = o.Interval };
            });
            Swap(states, rebuild: true);
        }
    }

    /// <summary>
    /// The current snapshot and its fresh parts in the format asked for, each with a reference taken: the one way to
    /// read pooled parts. A part can go back to the pool between reading the snapshot and taking the reference (a
    /// refresh published meanwhile): then the newer snapshot is taken instead, whose parts the store still holds.
    /// </summary>
    public SnapshotLease Acquire(bool openMetrics)
    {
        while (true)
        {
            var snapshot = Current;
            var now = _time.GetUtcNow();
            var parts = snapshot.Collectors.Values
                .Where(c => c.Enabled && c.IsFresh(now, MaxDataAge))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(s => snapshot.Parts.GetValueOrDefault(s.Name)).OfType<RenderedPart>()
                .Append(snapshot.Parts[SnapshotRenderer.InfoPart]).Select(p => p.For(openMetrics)).ToList();
            var acquired = parts.TakeWhile(p => p.TryAcquire()).Count();
            if (acquired == parts.Count) return new SnapshotLease(snapshot, now, parts);
            foreach (var part in parts.Take(acquired)) part.Release();
        }
    }

    /// <summary>The `tenant` label of every cirrus_* series.</summary>
    public string Tenant => _options.TenantLabel;

    /// <summary>
    /// <see cref="Publish"/> on the store's one long-lived thread. Rendering and compressing a large tenant's parts
    /// is long CPU work: on a thread-pool thread (about one per core) the scrapes' continuations would queue
    /// behind it and scrape latency would suffer whenever a refresh published.
    /// </summary>
    public Task<MetricsSnapshot> PublishAsync(string collector, Func<CollectorState, CollectorState> update)
    {
        var published = new TaskCompletionSource<MetricsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            try
            {
                published.SetResult(Publish(collector, update));
            }
            catch (Exception e)
            {
                published.SetException(e);
            }
        }
        StartPublisher();
        // Once the store is disposed (the host stopping), a late refresh publishes on the caller's thread.
        if (!_publishes.Writer.TryWrite(Run)) Run();
        return published.Task;
    }

    /// <summary>
    /// Starts the publishing thread on the first publish, so a store that is never published to has none.
    /// </summary>
    private void StartPublisher()
    {
        if (Volatile.Read(ref _publisher) is not null) return;
        lock (_publisherGate)
        {
            if (_publisher is not null) return;
            var reader = _publishes.Reader;
            _publisher = new Thread(() =>
            {
                while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    while (reader.TryRead(out var publish)) publish();
            })
            { IsBackground = true, Name = "Snapshot publisher" };
            _publisher.Start();
        }
    }

    /// <summary>Ends the publishing thread once the publishes queued so far are done.</summary>
    public void Dispose() => _publishes.Writer.TryComplete();

    /// <summary>Replaces one collector's state and re-renders the parts whose data or catalogue changed.</summary>
    public MetricsSnapshot Publish(string collector, Func<CollectorState, CollectorState> update)
    {
        lock (_writeGate)
        {
            var states = new Dictionary<string, CollectorState>(_current.Collectors);
            states[collector] = update(states[collector]);
            return Swap(states, rebuild: false);
        }
    }

    /// <param name="rebuild">Render every part anew (options changed), rather than reuse those whose data and catalogue
    /// are unchanged.</param>
    private MetricsSnapshot Swap(Dictionary<string, CollectorState> states, bool rebuild)
    {
        // Under the write gate.
        var previous = _current;
        var now = _time.GetUtcNow();
        var fresh = states.Values.Where(s => s.IsFresh(now, _options.MaxDataAge)).ToList();
        var source = fresh.Find(s => s.Name == _streamSource)?.Data as IReportsStreamRows;
        var reported = fresh.Where(s => s.Name != _streamSource)
            .Select(s => s.Data)
            .OfType<IReportsStreamRows>()
            .SelectMany(d => d.StreamRows);
        // An unchanged catalogue keeps its identity, so parts whose data did not change are reused as they are.
        var catalogue = StreamCatalogue.Build(_options, previous.Catalogue, source?.StreamRows, reported);

        var next = new MetricsSnapshot(previous.Generation + 1, states, catalogue,
            _renderer.Render(states, catalogue, rebuild ? new Dictionary<string, RenderedPart>() : previous.Parts),
            _streamSource);
        Volatile.Write(ref _current, next);
        // Parts the new snapshot no longer shows go back to the pool once the scrapes serving them finish.
        foreach (var (name, part) in previous.Parts)
            if (!ReferenceEquals(next.Parts.GetValueOrDefault(name), part)) part.Retire();
        return next;
    }
}
