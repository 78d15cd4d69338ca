namespace CirrusExporter.Hosting;

/// <summary>
/// Gives back the memory a burst left behind once the process goes quiet. The GC finds garbage only when it
/// collects, and it collects only when allocation reaches its budget, which an idle exporter may not do for
/// hours: after a burst of slow scrapes, the connections' buffers become garbage after the last collection
/// and keep RSS above quiet for minutes (docs/performance.md). So once the process is quiet (for
/// <see cref="QuietPeriod"/> no collection has run and under <see cref="IdleBytes"/> were allocated between looks) and
/// the GC's memory (committed at its last collection, plus what was allocated since) is at least
/// <see cref="GrowthBytes"/> above its floor, one aggressive collection compacts the heap and decommits the rest. The
/// floor is what the last such collection left (lowered when one of the GC's own needs less), so the first quiet period
/// after start-up sets it and what a collection could not give back is not asked for again; a process that keeps
/// allocating is the GC's to manage and is left alone.
/// </summary>
public sealed class QuietMemoryTrim(TimeProvider time, ILogger<QuietMemoryTrim> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

    /// <summary>Allocated between two looks, this much or more means the process is at work, not quiet.</summary>
    internal const long IdleBytes = 1L << 20;

    /// <summary>Below this, a collection would give back less than it costs.</summary>
    internal const long GrowthBytes = 16L << 20;

    /// <summary>The GC's count and committed bytes at its last collection, and the bytes allocated so far.</summary>
    internal readonly record struct GcState(long Collections, long CommittedBytes, long AllocatedBytes);

    /// <summary>The runtime's GC, or a stand-in for tests.</summary>
    internal sealed record Gc(Func<GcState> Read, Action CollectAggressively)
    {
        public static Gc Runtime { get; } = new(
            () =>
            {
                var last = GC.GetGCMemoryInfo(GCKind.Any);
                return new GcState(last.Index, last.TotalCommittedBytes, GC.GetTotalAllocatedBytes(precise: false));
            },
            () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
    }

    internal Gc Collector { get; init; } = Gc.Runtime;

    /// <summary>The GC as first seen after its last collection.</summary>
    private GcState _collection = new(-1, 0, 0);
    private long _allocatedAtLastLook;
    private long _quietSince;
    private long _floor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Check();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One look at the GC; true when it collected.</summary>
    internal bool Check()
    {
        var now = Collector.Read();
        var collected = now.Collections != _collection.Collections;
        var busy = collected || now.AllocatedBytes - _allocatedAtLastLook >= IdleBytes;
        if (collected) (_collection, _floor) = (now, Math.Min(_floor, now.CommittedBytes));
        _allocatedAtLastLook = now.AllocatedBytes;
        if (busy)
        {
            _quietSince = time.GetTimestamp();
            return false;
        }
        var quiet = time.GetElapsedTime(_quietSince);
        var held = _collection.CommittedBytes + (now.AllocatedBytes - _collection.AllocatedBytes);
        if (quiet < QuietPeriod || held - _floor < GrowthBytes) return false;

        Collector.CollectAggressively();
        var after = Collector.Read();
        (_collection, _floor, _allocatedAtLastLook, _quietSince) =
            (after, after.CommittedBytes, after.AllocatedBytes, time.GetTimestamp());
        logger.LogDebug("Quiet for {Quiet} with {Held} bytes held: collected, {Committed} bytes committed now",
            quiet, held, after.CommittedBytes);
        return true;
    }
}
