using System.Buffers;

namespace CirrusExporter.Snapshot;

/// <summary>
/// One part of the exposition, rendered once and stored twice: as UTF-8 text and, compressed at the same
/// moment, as an open deflate segment with its CRC-32, ready to be placed in a scrape's gzip stream
/// (<see cref="GzipSegments"/>). Immutable and shared by every scrape that serves it, however slowly the
/// client reads.
/// <para>
/// Its two buffers come from a pool and go back to it when the snapshots and the scrapes are done with the
/// part: at a large tenant a part is megabytes re-rendered on every refresh, and fresh arrays of that size
/// live on the large-object heap, which only a full collection reclaims. The store holds one reference
/// while a snapshot shows the part (<see cref="Retire"/> lets it go); a scrape takes its own with
/// <see cref="TryAcquire"/> and gives it back with <see cref="Release"/>.
/// </para>
/// </summary>
public sealed class RenderedPart
{
    /// <summary>Bounded: a few arrays of each size, so buffers freed after a burst of slow scrapes go back to the GC.</summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: int.MaxValue / 2, maxArraysPerBucket: 2);

    private readonly int _textLength;
    private readonly int _deflatedLength;
    private byte[]? _text;
    private byte[]? _deflated;
    private int _references = 1;

    private RenderedPart(object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text, ReadOnlySpan<byte> deflated, RenderedPart? openMetrics)
    {
        (Source, Catalogue, OpenMetrics) = (source, catalogue, openMetrics);
        (_text, _textLength) = (Copy(text), text.Length);
        (_deflated, _deflatedLength) = (Copy(deflated), deflated.Length);
        Crc = GzipSegments.Crc(text);
    }

    /// <param name="deflate">A reusable writer for the compressed copy.</param>
    public static RenderedPart Create(object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text, ArrayBufferWriter<byte> deflate, RenderedPart? openMetrics = null)
    {
        deflate.ResetWrittenCount();
        GzipSegments.Open(text, deflate);
        return new RenderedPart(source, catalogue, text, deflate.WrittenSpan, openMetrics);
    }

    /// <summary>The data it was rendered from (null for parts derived from the catalogue only).</summary>
    public object? Source { get; }

    /// <summary>The stream catalogue it was rendered against.</summary>
    public StreamCatalogue Catalogue { get; }

    /// <summary>The same part as OpenMetrics 1.0 where its text differs (it holds counters); else null.</summary>
    public RenderedPart? OpenMetrics { get; }

    public uint Crc { get; }

    /// <summary>The UTF-8 text; read it only while holding a reference.</summary>
    public ReadOnlyMemory<byte> Text => (_text ?? throw Released()).AsMemory(0, _textLength);

    /// <summary>The open deflate segment of <see cref="Text"/>; read it only while holding a reference.</summary>
    public ReadOnlyMemory<byte> Deflated => (_deflated ?? throw Released()).AsMemory(0, _deflatedLength);

    /// <summary>The variant to serve in the format asked for.</summary>
    public RenderedPart For(bool openMetrics) => openMetrics ? OpenMetrics ?? this : this;

    /// <summary>Whether this part already shows <paramref name="source"/> against <paramref name="catalogue"/>.</summary>
    public bool Renders(object? source, StreamCatalogue catalogue) => ReferenceEquals(Source, source) && ReferenceEquals(Catalogue, catalogue);

    /// <summary>Takes a reference for a scrape; false once the part has gone back to the pool (take the newer snapshot's).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var references = Volatile.Read(ref _references);
            if (references == 0) return false;
            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references) return true;
        }
    }

    /// <summary>Gives back a reference taken with <see cref="TryAcquire"/>; the last one returns the buffers to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        Pool.Return(Interlocked.Exchange(ref _text, null)!);
        Pool.Return(Interlocked.Exchange(ref _deflated, null)!);
    }

    /// <summary>The store's reference, given back when no snapshot shows the part any more (with its OpenMetrics variant's).</summary>
    public void Retire()
    {
        OpenMetrics?.Release();
        Release();
    }

    private static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        var array = Pool.Rent(bytes.Length);
        bytes.CopyTo(array);
        return array;
    }

    private static ObjectDisposedException Released() => new(nameof(RenderedPart), "the part went back to the pool: a reader must hold a reference");
}
