namespace CirrusExporter.Hosting;

/// <summary>
/// Gives back the memory a burst left behind once the process goes quiet. The GC finds garbage only when it
/// collects, and it collects only when allocation reaches its budget, which an exporter between refreshes
/// may not do for hours: after 250 slow scrapes at once, the connections' buffers became garbage after the
/// last collection and kept RSS 20-30 % above quiet for minutes. So when no collection has run for
/// <see cref="QuietPeriod"/> and the GC's memory (committed at its last collection, plus what was allocated
/// since) is at least <see cref="GrowthBytes"/> above its floor, one aggressive collection compacts the heap
/// and decommits the rest. The floor is what the last such collection left (lowered when one of the GC's
/// own needs less), so the first quiet period after start-up sets it, what a collection could not give
/// back is not asked for again, and a busy process, which collects on its own, is left alone.
/// </summary>
public sealed class QuietMemoryTrim(TimeProvider time, ILogger<QuietMemoryTrim> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

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

    private GcState _seen = new(-1, 0, 0);
    private long _since;
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
        if (now.Collections != _seen.Collections)
        {
            // A collection ran since the last look (or this is the first): the quiet period starts now.
            (_seen, _since, _floor) = (now, time.GetTimestamp(), Math.Min(_floor, now.CommittedBytes));
            return false;
        }
        var quiet = time.GetElapsedTime(_since);
        var held = _seen.CommittedBytes + (now.AllocatedBytes - _seen.AllocatedBytes);
        if (quiet < QuietPeriod || held - _floor < GrowthBytes) return false;

        Collector.CollectAggressively();
        var after = Collector.Read();
        (_seen, _since, _floor) = (after, time.GetTimestamp(), after.CommittedBytes);
        logger.LogDebug("No garbage collection for {Quiet} with {Held} bytes held: collected, {Committed} bytes committed now",
            quiet, held, after.CommittedBytes);
        return true;
    }
}
