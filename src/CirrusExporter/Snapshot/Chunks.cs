using System.Buffers;

namespace CirrusExporter.Snapshot;

/// <summary>
/// Bytes written once into 64 KiB chunks from a bounded pool, read as a list of segments, and given back
/// with <see cref="Return"/>. Chunks rather than one array: a chunk is below the large-object threshold,
/// so the GC compacts around kept chunks instead of leaving the large-object heap fragmented, and a part
/// keeps no more than its own size (a pooled array would be rounded up to the next power of two). A
/// scrape is written in slices of the same size anyway.
/// </summary>
public sealed class Chunks : IBufferWriter<byte>
{
    public const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Idle chunks kept for the next render (16 MiB); more, after a burst of slow scrapes, go back to the GC.
    /// </summary>
    private const int MaxIdle = 256;

    /// <summary>
    /// Whether segments are poisoned on <see cref="Return"/>: reading one afterwards throws instead of silently
    /// showing bytes a later render wrote into the reused chunk. On in Debug builds, and in the test assemblies
    /// (a module initializer); off in Release, where a segment is the bare array.
    /// </summary>
    internal static bool Poisoned { get; set; }
#if DEBUG
        = true;
#endif

    private static readonly Stack<byte[]> Idle = new();

    private readonly List<byte[]> _chunks = [];

    /// <summary>
    /// Bytes used in each chunk: a chunk is left partly empty when a write asks for more room than it has.
    /// </summary>
    private readonly List<int> _used = [];

    /// <summary>
    /// The guards handed out by <see cref="Segments"/> when <see cref="Poisoned"/>, poisoned on return.
    /// </summary>
    private readonly List<Guard> _guards = [];

    /// <summary>Bytes written.</summary>
    public long Length { get; private set; }

    /// <summary>The bytes written, one segment per chunk.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments()
    {
        var segments = new List<ReadOnlyMemory<byte>>(_chunks.Count);
        for (var i = 0; i < _chunks.Count; i++)
        {
            if (_used[i] == 0) continue;
            if (!Poisoned)
            {
                segments.Add(_chunks[i].AsMemory(0, _used[i]));
            }
            else
            {
                var guard = new Guard(_chunks[i]);
                _guards.Add(guard);
                segments.Add(guard.Memory[.._used[i]]);
            }
        }
        return segments;
    }

    public static Chunks Of(ReadOnlySpan<byte> bytes)
    {
        var chunks = new Chunks();
        chunks.Write(bytes);
        return chunks;
    }

    public void Advance(int count)
    {
        _used[^1] += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sizeHint, ChunkBytes);
        if (_chunks.Count == 0 || ChunkBytes - _used[^1] < Math.Max(sizeHint, 1))
        {
            _chunks.Add(Rent());
            _used.Add(0);
        }
        return _chunks[^1].AsMemory(_used[^1]);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Gives the chunks back to the pool; the segments must not be read after this.</summary>
    public void Return()
    {
        foreach (var guard in _guards) guard.Poison();
        _guards.Clear();
        lock (Idle)
        {
            foreach (var chunk in _chunks)
                if (Idle.Count < MaxIdle) Idle.Push(chunk);
        }

        _chunks.Clear();
        _used.Clear();
    }

    private static byte[] Rent()
    {
        lock (Idle)
            if (Idle.TryPop(out var chunk)) return chunk;
        return new byte[ChunkBytes];
    }

    /// <summary>A chunk seen through a memory manager, so every read of a segment asks it first.</summary>
    private sealed class Guard(byte[] chunk) : MemoryManager<byte>
    {
        private byte[]? _chunk = chunk;

        public void Poison() => Volatile.Write(ref _chunk, null);

        public override Span<byte> GetSpan() => Volatile.Read(ref _chunk) ?? throw Returned();

        public override MemoryHandle Pin(int elementIndex = 0) =>
            (Volatile.Read(ref _chunk) ?? throw Returned()).AsMemory(elementIndex).Pin();

        public override void Unpin()
        {
        }

        protected override bool TryGetArray(out ArraySegment<byte> segment)
        {
            segment = Volatile.Read(ref _chunk) ?? throw Returned();
            return true;
        }

        protected override void Dispose(bool disposing) => Poison();

        private static ObjectDisposedException Returned() =>
            new(nameof(Chunks),
                "a pooled chunk was read after it went back to the pool: a reader must hold a reference");
    }
}
