using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace CirrusExporter.Snapshot;

/// <summary>
/// One gzip stream assembled from pieces compressed at different times: a fixed header, deflate segments
/// that each end on a byte boundary without closing the stream (sync flush), a last segment that closes
/// it, and a trailer whose CRC-32 is combined from the pieces' own CRCs. Unlike concatenated gzip
/// members, every gzip reader reads all of it (curl --compressed stops after the first member).
/// </summary>
public static class GzipSegments
{
    /// <summary>Magic, deflate, no flags, no time, no extra flags, unknown OS (RFC 1952).</summary>
    public static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    /// <summary>Writes a deflate segment of <paramref name="text"/> that leaves the stream open for more.</summary>
    public static void Open(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        // Flush is a zlib sync flush: all input out, ending on a byte boundary with the stream still open.
        // The final block that disposing writes goes nowhere: the sink is detached first.
        var sink = new BufferWriterStream(output);
        using var deflate = new DeflateStream(sink, CompressionLevel.Optimal);
        deflate.Write(text);
        deflate.Flush();
        sink.Detach();
    }

    /// <summary>A deflate segment of <paramref name="text"/> that ends the stream.</summary>
    /// <remarks>
    /// Made for every scrape, so compressed at the fastest level: at the optimal level the small tail took
    /// most of a gzip scrape's CPU, for a few hundred bytes less on the wire.
    /// </remarks>
    public static byte[] Close(ReadOnlySpan<byte> text)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, text.Length / 4));
        using (var deflate = new DeflateStream(new BufferWriterStream(buffer), CompressionLevel.Fastest))
            deflate.Write(text);
        // DeflateStream writes nothing at all when given nothing; a closing segment still needs its final block.
        return buffer.WrittenCount > 0 ? buffer.WrittenSpan.ToArray() : [0x03, 0x00];
    }

    public static uint Crc(ReadOnlySpan<byte> text) => Crc32.HashToUInt32(text);

    /// <summary>CRC-32 and length (mod 2^32) of all the uncompressed bytes, little-endian.</summary>
    public static byte[] Trailer(uint crc, long length)
    {
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)length));
        return trailer;
    }

    /// <summary>The CRC-32 of A followed by B, from crc(A), crc(B) and B's length (zlib's crc32_combine).</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => MultiplyModP(PowerOfX(lengthB, 3), crcA) ^ crcB;

    private const uint Polynomial = 0xedb88320;

    /// <summary>x^(2^k) modulo the CRC polynomial, for k = 0..31.</summary>
    private static readonly uint[] PowersOfX = BuildPowers();

    private static uint[] BuildPowers()
    {
        var table = new uint[32];
        var p = 1u << 30; // x^1
        table[0] = p;
        for (var n = 1; n < 32; n++) table[n] = p = MultiplyModP(p, p);
        return table;
    }

    private static uint MultiplyModP(uint a, uint b)
    {
        var m = 1u << 31;
        var p = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0) break;
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
        return p;
    }

    /// <summary>x^(n * 2^k) modulo the polynomial.</summary>
    private static uint PowerOfX(long n, int k)
    {
        var p = 1u << 31; // x^0
        while (n != 0)
        {
            if ((n & 1) != 0) p = MultiplyModP(PowersOfX[k & 31], p);
            n >>= 1;
            k++;
        }
        return p;
    }

    /// <summary>
    /// A write-only stream over a buffer writer, so compression needs no MemoryStream copy; writes after
    /// <see cref="Detach"/> are dropped.
    /// </summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> target) : Stream
    {
        private IBufferWriter<byte>? _target = target;

        public void Detach() => _target = null;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => _target?.Write(buffer);
    }
}
