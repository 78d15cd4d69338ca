using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Holds the published snapshot. Collectors publish through <see cref="Publish"/> (serialised by a lock,
/// CPU-only work); scrapes read <see cref="Current"/> without locking and never wait for a refresh.
/// </summary>
public sealed class SnapshotStore
{
    private readonly object _writeGate = new();
    private readonly CirrusOptions _options;
    private readonly SnapshotRenderer _renderer;
    private readonly TimeProvider _time;
    private MetricsSnapshot _current;

    public SnapshotStore(IOptions<CirrusOptions> options, LabelNames labels, TimeProvider time)
    {
        _options = options.Value;
        _renderer = new SnapshotRenderer(_options, labels);
        _time = time;
        var states = _options.Collectors.ByName.ToDictionary(x => x.Key, x => new CollectorState(x.Key, x.Value.Enabled, x.Value.Interval));
        var catalogue = StreamCatalogue.Build(_options, StreamCatalogue.Empty, null, null);
        _current = new MetricsSnapshot(0, states, catalogue, _renderer.Render(states, catalogue));
    }

    public MetricsSnapshot Current => Volatile.Read(ref _current);

    public TimeSpan MaxDataAge => _options.MaxDataAge;

    /// <summary>Replaces one collector's state and republishes every part derived from it.</summary>
    public MetricsSnapshot Publish(string collector, Func<CollectorState, CollectorState> update)
    {
        lock (_writeGate)
        {
            var previous = _current;
            var states = new Dictionary<string, CollectorState>(previous.Collectors);
            states[collector] = update(states[collector]);

            var now = _time.GetUtcNow();
            var stats = states[ApiEndpoint.StreamStats] is { Data: StreamStatsData s } st && st.IsFresh(now, _options.MaxDataAge) ? s.Rows : null;
            var sla = states[ApiEndpoint.SlaExceptions] is { Data: SlaData d } sl && sl.IsFresh(now, _options.MaxDataAge) ? d.Lists : null;
            var catalogue = StreamCatalogue.Build(_options, previous.Catalogue, stats, sla);

            var next = new MetricsSnapshot(previous.Generation + 1, states, catalogue, _renderer.Render(states, catalogue));
            Volatile.Write(ref _current, next);
            return next;
        }
    }
}
