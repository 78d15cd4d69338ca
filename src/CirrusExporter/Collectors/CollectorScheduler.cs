using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors;

/// <summary>
/// Refreshes every enabled collector on its effective interval: the configured one, stretched by
/// <see cref="CollectorBudget"/> while the API budget is short, replanned before each wait. The stream source runs
/// first, because it decides which streams the per-stream collectors call. A reload ends the round: refreshes under way
/// finish, then a new round starts with the collectors and intervals now configured.
/// </summary>
public sealed class CollectorScheduler(
    CollectorRunner runner,
    CollectorBudget budget,
    SnapshotStore store,
    LiveCirrusOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime) : BackgroundService
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
            // The first plan sees the streams the source just listed, so the first refreshes' deadlines follow it.
            Replan(enabled);
            await Task.WhenAll(enabled.Select(c =>
                LoopAsync(c, enabled, skipFirst: c == first, round.Token, stoppingToken)));
        }
    }

    private void Replan(IReadOnlyList<ICollector> enabled) =>
        budget.Replan(enabled.Select(c => c.Descriptor), store.Current);

    private async Task LoopAsync(ICollector collector, IReadOnlyList<ICollector> enabled, bool skipFirst,
        CancellationToken round, CancellationToken stoppingToken)
    {
        var next = time.GetUtcNow();
        try
        {
            if (!skipFirst && !round.IsCancellationRequested)
            {
                await runner.RefreshAsync(collector, stoppingToken, budget.IntervalOf(collector.Descriptor));
            }
            while (!round.IsCancellationRequested)
            {
                Replan(enabled);
                next += budget.IntervalOf(collector.Descriptor);
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, round);
                // Behind: one refresh now and the interval from it, as a periodic timer drops the ticks it missed.
                else next = time.GetUtcNow();
                if (!round.IsCancellationRequested)
                {
                    await runner.RefreshAsync(collector, stoppingToken, budget.IntervalOf(collector.Descriptor));
                }
            }
        }
        catch (OperationCanceledException) when (round.IsCancellationRequested)
        {
        }
    }
}
