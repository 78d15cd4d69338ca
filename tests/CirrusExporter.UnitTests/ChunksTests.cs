using CirrusExporter.Snapshot;

namespace CirrusExporter.UnitTests;

/// <summary>Alone: the chunk pool is shared by the process, and other tests render parts.</summary>
[CollectionDefinition(nameof(ChunksTests), DisableParallelization = true)]
[Collection(nameof(ChunksTests))]
public sealed class ChunksTests
{
    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + i / 251))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunks.ChunkBytes - 1)]
    [InlineData(Chunks.ChunkBytes)]
    [InlineData(Chunks.ChunkBytes + 1)]
    [InlineData(5 * Chunks.ChunkBytes + 12345)]
    public void Bytes_written_at_once_read_back_the_same_in_whole_chunks(int length)
    {
        var bytes = Pattern(length);
        var chunks = Chunks.Of(bytes);

        Assert.Equal(length, chunks.Length);
        Assert.Equal(bytes, chunks.Segments().Joined());
        Assert.Equal((length + Chunks.ChunkBytes - 1) / Chunks.ChunkBytes, chunks.Segments().Count);
        Assert.All(chunks.Segments().SkipLast(1), s => Assert.Equal(Chunks.ChunkBytes, s.Length));
    }

    [Fact]
    public void A_write_that_asks_for_more_room_than_a_chunk_has_left_starts_the_next_one_and_loses_nothing()
    {
        var chunks = new Chunks();
        var expected = new List<byte>();
        var random = new Random(7);
        while (chunks.Length < 3 * Chunks.ChunkBytes)
        {
            var piece = Pattern(random.Next(1, 9000));
            piece.CopyTo(chunks.GetSpan(piece.Length));
            chunks.Advance(piece.Length);
            expected.AddRange(piece);
        }

        Assert.Equal(expected, chunks.Segments().Joined());
        Assert.Equal(expected.Count, chunks.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks.GetSpan(Chunks.ChunkBytes + 1));
    }

    [Fact]
    public void Returned_chunks_are_reused_by_the_next_writer()
    {
        var first = Chunks.Of(Pattern(2 * Chunks.ChunkBytes));
        var arrays = first.Segments().Select(s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s, out var a)
            ? a.Array : null).ToHashSet();
        first.Return();

        var next = Chunks.Of(Pattern(Chunks.ChunkBytes));
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(next.Segments()[0], out var reused);
        Assert.Contains(reused.Array, arrays);
        Assert.Equal(Pattern(Chunks.ChunkBytes), next.Segments().Joined());
    }

    [Fact]
    public void A_segment_read_after_its_chunks_went_back_to_the_pool_throws()
    {
        var chunks = Chunks.Of(Pattern(Chunks.ChunkBytes + 10));
        var segments = chunks.Segments();
        Assert.Equal(2, segments.Count);
        Assert.Equal(Pattern(Chunks.ChunkBytes + 10), segments.Joined());

        chunks.Return();
        // The next writer may already hold the same arrays: a late reader would see its bytes.
        Chunks.Of(Pattern(2 * Chunks.ChunkBytes));
        Assert.Throws<ObjectDisposedException>(() => segments[0].Span[0]);
        Assert.Throws<ObjectDisposedException>(() => segments[1].ToArray());
    }
}
