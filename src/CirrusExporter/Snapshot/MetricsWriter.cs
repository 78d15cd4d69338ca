using System.Buffers;
using System.Globalization;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Assembles one scrape: the fresh pre-rendered parts of the current snapshot (shared, never copied),
/// then a small tail: the freshness families and the live self-metrics. Never calls the API
/// and never waits on a refresh. With gzip, the body is one gzip stream: the parts' stored deflate
/// segments as they are, then the tail compressed, then a trailer whose CRC-32 is combined
/// from the parts' stored CRCs, so no big part is compressed or even read per scrape. The tail is written
/// again only when something in it can have changed: another snapshot, a self-metric that moved
/// (<see cref="SelfMetrics.Version"/>), or another second (freshness, and the process and runtime families,
/// which are read at most once a second by scrapes that come closer together).
/// </summary>
public sealed class MetricsWriter(SnapshotStore store, SelfMetrics self, TimeProvider time)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>What a tail depends on: the snapshot, the self-metrics version and the second, on two clocks.</summary>
    private readonly record struct TailKey(long Generation, long Version, long Second, long Tick);

    /// <summary>A tail as written for one key; compressed when first asked.</summary>
    private sealed class Tail(TailKey key, byte[] text)
    {
        private byte[]? _closed;

        public TailKey Key => key;

        public byte[] Text => text;

        public uint Crc { get; } = GzipSegments.Crc(text);

        /// <summary>
        /// The tail as the last deflate block of a gzip stream. Two scrapes may both compress it: same bytes.
        /// </summary>
        public byte[] Closed => _closed ??= GzipSegments.Close(text);
    }

    private Tail? _textTail;
    private Tail? _openMetricsTail;

    /// <summary>
    /// One scrape's body as a list of immutable buffers, and its length on the wire. Holds the lease on the
    /// parts it serves: dispose it when written, so their pooled buffers can be reused.
    /// </summary>
    public sealed class Body(IReadOnlyList<ReadOnlyMemory<byte>> segments, long length, SnapshotLease lease)
        : IDisposable
    {
        public IReadOnlyList<ReadOnlyMemory<byte>> Segments => segments;

        public long Length => length;

        public void Dispose() => lease.Dispose();
    }

    public Task<Body> PrepareAsync(bool openMetrics, bool gzip, CancellationToken cancellationToken)
    {
        var lease = store.Acquire(openMetrics);
        try
        {
            var segments = Assemble(lease, openMetrics, gzip);
            return Task.FromResult(new Body(segments, segments.Sum(s => (long)s.Length), lease));
        }
        catch
        {
            // No body will hold the lease: give the parts back now.
            lease.Dispose();
            throw;
        }
    }

    private List<ReadOnlyMemory<byte>> Assemble(SnapshotLease lease, bool openMetrics, bool gzip)
    {
        var parts = lease.Parts;
        var tail = TailOf(lease, openMetrics);
        var segments = new List<ReadOnlyMemory<byte>>(parts.Count + 3);
        if (!gzip)
        {
            segments.AddRange(parts.SelectMany(p => p.Text));
            segments.Add(tail.Text);
        }
        else
        {
            segments.Add(GzipSegments.Header);
            uint crc = 0;
            long length = 0;
            foreach (var part in parts)
            {
                segments.AddRange(part.Deflated);
                crc = GzipSegments.Combine(crc, part.Crc, part.TextLength);
                length += part.TextLength;
            }
            segments.Add(tail.Closed);
            var total = length + tail.Text.Length;
            segments.Add(GzipSegments.Trailer(GzipSegments.Combine(crc, tail.Crc, tail.Text.Length), total));
        }
        return segments;
    }

    /// <summary>
    /// The tail for this lease: the one written last if nothing in it can have changed since, else a new one.
    /// </summary>
    private Tail TailOf(SnapshotLease lease, bool openMetrics)
    {
        ref var cached = ref openMetrics ? ref _openMetricsTail : ref _textTail;
        // The clock the freshness is judged by, and the machine's for the process families (a test's clock may
        // stand still).
        var key = new TailKey(
            lease.Snapshot.Generation, self.Version, lease.Now.ToUnixTimeSeconds(), Environment.TickCount64 / 1000);
        if (Volatile.Read(ref cached) is { } last && last.Key == key) return last;
        var tail = new Tail(key, WriteTail(lease, openMetrics));
        Volatile.Write(ref cached, tail);
        return tail;
    }

    private byte[] WriteTail(SnapshotLease lease, bool openMetrics)
    {
        var (snapshot, now) = (lease.Snapshot, lease.Now);
        var enabled = snapshot.Collectors.Values.Where(c => c.Enabled)
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        var tail = new ArrayBufferWriter<byte>(8192);
        var w = new ExpositionWriter(tail, store.Tenant, openMetrics);
        w.Family(MetricCatalogue.Up, MetricCatalogue.Up.Description);
        w.Sample(MetricCatalogue.Up, enabled.All(c => c.IsFresh(now, store.MaxDataAge)) ? 1 : 0);
        w.Family(MetricCatalogue.CollectorSuccess, MetricCatalogue.CollectorSuccess.Description);
        foreach (var c in enabled) w.Sample(MetricCatalogue.CollectorSuccess, c.LastSucceeded ? 1 : 0, c.Name);
        w.Family(MetricCatalogue.CollectorLastSuccess, MetricCatalogue.CollectorLastSuccess.Description);
        foreach (var c in enabled)
        {
            if (c.LastSuccess is { } t)
                w.Sample(MetricCatalogue.CollectorLastSuccess, t.ToUnixTimeMilliseconds() / 1000.0, c.Name);
        }
        w.Family(MetricCatalogue.CollectorDuration, MetricCatalogue.CollectorDuration.Description);
        foreach (var c in enabled)
            if (c.LastDuration is { } d) w.Sample(MetricCatalogue.CollectorDuration, d.TotalSeconds, c.Name);

        self.Write(w);
        w.End();
        return tail.WrittenSpan.ToArray();
    }

    /// <summary>Writes an uncompressed text 0.0.4 scrape (for --once and tests).</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        using var body = await PrepareAsync(openMetrics: false, gzip: false, cancellationToken);
        foreach (var segment in body.Segments)
            await output.WriteAsync(segment, cancellationToken);
    }

    /// <summary>Names of enabled collectors whose data is missing or older than MaxDataAge.</summary>
    public IReadOnlyList<string> StaleCollectors()
    {
        var now = time.GetUtcNow();
        return store.Current.Collectors.Values.Where(c => c.Enabled && !c.IsFresh(now, store.MaxDataAge))
            .Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
    }

    internal static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
