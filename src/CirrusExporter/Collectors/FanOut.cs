using System.Collections.Concurrent;

namespace CirrusExporter.Collectors;

/// <summary>
/// Runs one call per stream with bounded parallelism. Streams that fail are left out and counted; if
/// every stream fails, the first error is thrown so the collector fails as a whole. When the deadline
/// passes, the streams that answered are kept and the rest count as failed.
/// </summary>
public static class FanOut
{
    public static async Task<(Dictionary<TKey, TValue> Results, int Failed, Exception? FirstError)>
        RunAsync<TKey, TValue>(IReadOnlyCollection<TKey> targets, int parallelism,
            Func<TKey, CancellationToken, Task<TValue>> call, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var results = new ConcurrentDictionary<TKey, TValue>();
        var errors = new ConcurrentQueue<Exception>();
        try
        {
            await Parallel.ForEachAsync(targets,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (target, ct) =>
                {
                    try
                    {
                        results[target] = await call(target, ct);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        errors.Enqueue(e);
                    }
                });
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested && !results.IsEmpty)
        {
            var answered = new Dictionary<TKey, TValue>(results);
            var failed = targets.Count - answered.Count;
            return (answered, failed, new TimeoutException(
                $"refresh deadline passed with {failed} of {targets.Count} stream call(s) unanswered; "
                    + $"the {answered.Count} that answered are published", e));
        }
        errors.TryPeek(out var first);
        if (targets.Count > 0 && results.IsEmpty && first is not null) throw first;
        return (new Dictionary<TKey, TValue>(results), errors.Count, first);
    }
}
