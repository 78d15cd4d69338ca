namespace CirrusExporter.Collectors;

/// <summary>
/// Refreshes every enabled collector on its own interval. The stream source runs first, because it
/// decides which streams the per-stream collectors call.
/// </summary>
public sealed class CollectorScheduler(CollectorRunner runner, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the web server listens: if Web:ListenAddress cannot be bound, start-up fails without an API call.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var first = runner.Enabled.FirstOrDefault(c => c.Descriptor.Role == CollectorRole.StreamSource);
        if (first is not null) await runner.RefreshAsync(first, stoppingToken);
        await Task.WhenAll(runner.Enabled.Select(c => LoopAsync(c, skipFirst: c == first, stoppingToken)));
    }

    private async Task LoopAsync(ICollector collector, bool skipFirst, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runner.OptionsOf(collector).Interval, time);
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
}
