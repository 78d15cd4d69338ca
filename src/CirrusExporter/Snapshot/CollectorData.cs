using CirrusExporter.Api;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

public readonly record struct StreamKey(long StreamId, long SubStreamId);

/// <summary>
/// The immutable result of one collector refresh. Each collector's data renders its own families, so a
/// new kind of data cannot compile without saying how it is served.
/// </summary>
public abstract record CollectorData
{
    /// <summary>Writes this data's families, once per publish; a scrape only copies the bytes.</summary>
    public abstract void Render(ExpositionWriter writer, RenderContext context);
}

/// <summary>
/// Data that reports (stream, sub-stream, module, status) rows: the catalogue learns modules and zero-fill combinations
/// from them.
/// </summary>
public interface IReportsStreamRows
{
    IEnumerable<StatRow> StreamRows { get; }
}

/// <summary>
/// What a refresh produced. <paramref name="FailedTargets"/> counts per-stream calls that failed in a
/// fan-out whose other calls succeeded: the collector reports failure, and those streams keep their last answers
/// (<see cref="Collectors.LastAnswers{TKey, TValue}"/>) until they are MaxDataAge old.
/// </summary>
/// <param name="Problem">Why a refresh that published data still failed, beyond failed stream calls.</param>
public sealed record RefreshResult(
    CollectorData Data, int FailedTargets = 0, string? FirstError = null, string? Problem = null)
{
    /// <summary>
    /// The result of a per-stream fan-out over the streams of <paramref name="current"/>: failed calls count, and a
    /// stale stream source fails the refresh too, since with discovery on an empty or configured-only list is not the
    /// streams there are.
    /// </summary>
    public static RefreshResult ForStreams(
        CollectorData data, MetricsSnapshot current, int failed, Exception? first, string collector) =>
        new(data, failed,
            first is null
                ? null
                : Http.FailureDescription.Of(first, collector, RefreshContext.Current?.Deadline ?? TimeSpan.Zero),
            current.Catalogue.SourceStale
                ? $"{collector}: the stream source {current.StreamSource} has no fresh data, so discovered streams "
                    + "are unknown; only configured streams were polled"
                : null);
}

/// <summary>A collector's latest state as published to /metrics, /readyz and the landing page.</summary>
public sealed record CollectorState(string Name, bool Enabled, TimeSpan Interval)
{
    public CollectorData? Data { get; init; }

    /// <summary>When <see cref="Data"/> was fetched; freshness is measured from here.</summary>
    public DateTimeOffset? DataTime { get; init; }

    public DateTimeOffset? LastSuccess { get; init; }

    public DateTimeOffset? LastAttempt { get; init; }

    public TimeSpan? LastDuration { get; init; }

    public bool LastSucceeded { get; init; }

    public string? LastError { get; init; }

    public bool IsFresh(DateTimeOffset now, TimeSpan maxAge) => DataTime is { } t && now - t <= maxAge;
}
