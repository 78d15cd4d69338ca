using CirrusExporter.Api;

namespace CirrusExporter.Snapshot;

public readonly record struct StreamKey(long StreamId, long SubStreamId);

/// <summary>The immutable result of one collector refresh.</summary>
public abstract record CollectorData;

public sealed record AvailabilityData(IReadOnlyDictionary<StreamKey, int> States) : CollectorData;

public sealed record StreamStatsData(IReadOnlyList<StatRow> Rows) : CollectorData;

public sealed record SlaData(SlaLists Lists) : CollectorData;

/// <summary>Oldest open conversation age per stream id, in seconds, as of the refresh.</summary>
public sealed record ObjectsData(IReadOnlyDictionary<long, double> OldestOpenAgeSeconds) : CollectorData;

/// <summary>
/// What a refresh produced. <paramref name="FailedTargets"/> counts per-stream calls that failed in a
/// fan-out whose other calls succeeded: their series are withdrawn and the collector reports failure.
/// </summary>
public sealed record RefreshResult(CollectorData Data, int FailedTargets = 0, string? FirstError = null);

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
