using System.Buffers;
using System.IO.Compression;

namespace CirrusExporter.Snapshot;

/// <summary>
/// One part of the exposition, rendered once and stored twice: as UTF-8 text and as one gzip member,
/// compressed at the same moment. Gzip members concatenate into one valid gzip stream, so a scrape that
/// accepts gzip sends the stored members one after another and compresses nothing big itself. Immutable
/// and shared by every scrape that serves it, however slowly the client reads.
/// </summary>
/// <param name="Source">The data it was rendered from (null for parts derived from the catalogue only).</param>
/// <param name="Catalogue">The stream catalogue it was rendered against.</param>
public sealed record RenderedPart(object? Source, StreamCatalogue Catalogue, byte[] Text, byte[] Gzip)
{
    public static RenderedPart Create(object? source, StreamCatalogue catalogue, ReadOnlySpan<byte> text) =>
        new(source, catalogue, text.ToArray(), Compress(text));

    /// <summary>Whether this part already shows <paramref name="source"/> against <paramref name="catalogue"/>.</summary>
    public bool Renders(object? source, StreamCatalogue catalogue) => ReferenceEquals(Source, source) && ReferenceEquals(Catalogue, catalogue);

    public static byte[] Compress(ReadOnlySpan<byte> text)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, text.Length / 8));
        using (var gzip = new GZipStream(new BufferWriterStream(buffer), CompressionLevel.Optimal))
            gzip.Write(text);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A write-only stream over a buffer writer, so compression needs no MemoryStream copy.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> target) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => target.Write(buffer);
    }
}
