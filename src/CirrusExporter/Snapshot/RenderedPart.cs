namespace CirrusExporter.Snapshot;

/// <summary>
/// One part of the exposition, rendered once and stored twice: as UTF-8 text and, compressed at the same
/// moment, as an open deflate segment with its CRC-32, ready to be placed in a scrape's gzip stream
/// (<see cref="GzipSegments"/>). Immutable and shared by every scrape that serves it, however slowly the
/// client reads.
/// </summary>
/// <param name="Source">The data it was rendered from (null for parts derived from the catalogue only).</param>
/// <param name="Catalogue">The stream catalogue it was rendered against.</param>
/// <param name="OpenMetrics">The same part as OpenMetrics 1.0 where its text differs (it holds counters); else null.</param>
public sealed record RenderedPart(object? Source, StreamCatalogue Catalogue, byte[] Text, byte[] Deflated, uint Crc, RenderedPart? OpenMetrics = null)
{
    public static RenderedPart Create(object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text, RenderedPart? openMetrics = null) =>
        new(source, catalogue, text.ToArray(), GzipSegments.Open(text), GzipSegments.Crc(text), openMetrics);

    /// <summary>The variant to serve in the format asked for.</summary>
    public RenderedPart For(bool openMetrics) => openMetrics ? OpenMetrics ?? this : this;

    /// <summary>Whether this part already shows <paramref name="source"/> against <paramref name="catalogue"/>.</summary>
    public bool Renders(object? source, StreamCatalogue catalogue) => ReferenceEquals(Source, source) && ReferenceEquals(Catalogue, catalogue);
}
