namespace CirrusExporter.Snapshot;

/// <summary>
/// One part of the exposition, rendered once and stored twice: as UTF-8 text and, compressed at the same
/// moment, as an open deflate segment with its CRC-32, ready to be placed in a scrape's gzip stream
/// (<see cref="GzipSegments"/>). Immutable and shared by every scrape that serves it, however slowly the
/// client reads.
/// <para>
/// Both are kept in pooled chunks (<see cref="Chunks"/>) that go back to the pool when the snapshots and
/// the scrapes are done with the part: at a large tenant a part is megabytes re-rendered on every refresh,
/// and fresh arrays of that size live on the large-object heap, which only a full collection reclaims. The
/// store holds one reference while a snapshot shows the part (<see cref="Retire"/> lets it go); a reader
/// holds one through the lease of <see cref="SnapshotStore.Acquire"/>.
/// </para>
/// </summary>
public sealed class RenderedPart
{
    private readonly Chunks _text;
    private readonly Chunks _deflated;
    private IReadOnlyList<ReadOnlyMemory<byte>>? _textSegments;
    private IReadOnlyList<ReadOnlyMemory<byte>>? _deflatedSegments;
    private int _references = 1;

    private RenderedPart(
        object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text, Chunks deflated, RenderedPart? openMetrics)
    {
        (Source, Catalogue, OpenMetrics) = (source, catalogue, openMetrics);
        (_text, _deflated) = (Chunks.Of(text), deflated);
        (_textSegments, _deflatedSegments) = (_text.Segments(), _deflated.Segments());
        Crc = GzipSegments.Crc(text);
    }

    public static RenderedPart Create(
        object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text, RenderedPart? openMetrics = null)
    {
        var deflated = new Chunks();
        GzipSegments.Open(text, deflated);
        return new RenderedPart(source, catalogue, text, deflated, openMetrics);
    }

    /// <summary>The data it was rendered from (null for parts derived from the catalogue only).</summary>
    public object? Source { get; }

    /// <summary>The stream catalogue it was rendered against.</summary>
    public StreamCatalogue Catalogue { get; }

    /// <summary>The same part as OpenMetrics 1.0 where its text differs (it holds counters); else null.</summary>
    public RenderedPart? OpenMetrics { get; }

    public uint Crc { get; }

    /// <summary>Bytes of UTF-8 text.</summary>
    public long TextLength => _text.Length;

    /// <summary>The UTF-8 text, in chunks; read it only while holding a reference.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Text => _textSegments ?? throw Released();

    /// <summary>
    /// The open deflate segment of <see cref="Text"/>, in chunks; read it only while holding a reference.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Deflated => _deflatedSegments ?? throw Released();

    /// <summary>The variant to serve in the format asked for.</summary>
    public RenderedPart For(bool openMetrics) => openMetrics ? OpenMetrics ?? this : this;

    /// <summary>
    /// Whether this part already shows <paramref name="source"/> against <paramref name="catalogue"/>.
    /// </summary>
    public bool Renders(object? source, StreamCatalogue catalogue) =>
        ReferenceEquals(Source, source) && ReferenceEquals(Catalogue, catalogue);

    /// <summary>
    /// Takes a reference for a scrape; false once the part has gone back to the pool (take the newer snapshot's).
    /// </summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var references = Volatile.Read(ref _references);
            if (references <= 0) return false;
            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references) return true;
        }
    }

    /// <summary>
    /// Gives back a reference taken with <see cref="TryAcquire"/>; the last one returns the chunks to the pool.
    /// </summary>
    internal void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        // One release too many would let the next reader acquire chunks that are back in the pool.
        if (left < 0) throw new InvalidOperationException("a pooled part was released more often than it was acquired");
        if (left > 0) return;
        (_textSegments, _deflatedSegments) = (null, null);
        _text.Return();
        _deflated.Return();
    }

    /// <summary>
    /// The store's reference, given back when no snapshot shows the part any more (with its OpenMetrics variant's).
    /// </summary>
    public void Retire()
    {
        OpenMetrics?.Release();
        Release();
    }

    private static ObjectDisposedException Released() =>
        new(nameof(RenderedPart), "the part went back to the pool: a reader must hold a reference");
}
