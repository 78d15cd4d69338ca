namespace CirrusExporter.Collectors;

/// <summary>
/// Refreshes every enabled collector on its own interval. stream_stats runs first, because discovery
/// decides which streams the per-stream collectors call.
/// </summary>
public sealed class CollectorScheduler(IEnumerable<ICollector> collectors, CollectorRunner runner, TimeProvider time) : BackgroundService
{
    private readonly List<ICollector> _enabled = collectors.Where(c => c.Options.Enabled).ToList();

    /// <summary>One refresh of every enabled collector (used by --once); true when all succeeded.</summary>
    public async Task<bool> RefreshAllOnceAsync(CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var collector in Ordered()) ok &= await runner.RefreshAsync(collector, cancellationToken);
        return ok;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ordered = Ordered();
        var first = ordered.FirstOrDefault(c => c.Name == Api.ApiEndpoint.StreamStats);
        if (first is not null) await runner.RefreshAsync(first, stoppingToken);
        await Task.WhenAll(ordered.Select(c => LoopAsync(c, skipFirst: c == first, stoppingToken)));
    }

    private async Task LoopAsync(ICollector collector, bool skipFirst, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(collector.Options.Interval, time);
        try
        {
            if (!skipFirst) await runner.RefreshAsync(collector, stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await runner.RefreshAsync(collector, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private List<ICollector> Ordered() => _enabled.OrderBy(c => c.Name == Api.ApiEndpoint.StreamStats ? 0 : 1).ToList();
}
