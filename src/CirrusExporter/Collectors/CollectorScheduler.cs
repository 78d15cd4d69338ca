using CirrusExporter.Configuration;

namespace CirrusExporter.Collectors;

/// <summary>
/// Refreshes every enabled collector on its own interval. The stream source runs first, because it
/// decides which streams the per-stream collectors call. A reload ends the round: refreshes under way finish, then a
/// new round starts with the collectors and intervals now configured.
/// </summary>
public sealed class CollectorScheduler(CollectorRunner runner, LiveCirrusOptions options, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the web server listens: if Web:ListenAddress cannot be bound, start-up fails without an API call.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // The token first: a reload after it is read still ends this round.
            using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, options.Changed);
            var enabled = runner.Enabled;
            var first = enabled.FirstOrDefault(c => c.Descriptor.Role == CollectorRole.StreamSource);
            if (first is not null) await runner.RefreshAsync(first, stoppingToken);
            await Task.WhenAll(enabled.Select(c => LoopAsync(c, skipFirst: c == first, round.Token, stoppingToken)));
        }
    }

    private async Task LoopAsync(ICollector collector, bool skipFirst, CancellationToken round, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runner.OptionsOf(collector).Interval, time);
        try
        {
            if (!skipFirst && !round.IsCancellationRequested) await runner.RefreshAsync(collector, stoppingToken);
            while (await timer.WaitForNextTickAsync(round))
                await runner.RefreshAsync(collector, stoppingToken);
        }
        catch (OperationCanceledException) when (round.IsCancellationRequested)
        {
        }
    }
}
