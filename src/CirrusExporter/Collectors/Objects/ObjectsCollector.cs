using System.Globalization;
using CirrusExporter.Api;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors.Objects;

/// <summary>
/// GET /streams/{id}/objects: the oldest conversation in the open statuses per stream. Sorted ascending by
/// created time with page size 1, that is one call per stream; paging stops at a short page. A stream the latest
/// /stats/streams read shows with nothing open is 0 without a call once it has answered one, except on every
/// SweepEvery-th refresh (a share of such streams is called at each refresh, <see cref="StreamCounts.Swept"/>).
/// </summary>
public sealed class ObjectsCollector(
    IObjectsApi api, ApiResponseReader reader, IOptions<CirrusOptions> options, ApiClock clock, TimeProvider time,
    SelfMetrics metrics) : ICollector
{
    public const string Label = "objects";

    /// <summary>
    /// How far a conversation's time may lie ahead of the API's clock as measured before it counts as in the future.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static CollectorDescriptor Descriptor { get; } = new(
        Label, "Objects",
        "GET /streams/{id}/objects",
        "Poll `GET /streams/{id}/objects` for the oldest open conversation: one call (or `MaxPages` calls) per watched "
            + "stream id per interval, none for a stream `/stats/streams` shows with nothing open (but on every "
            + "`SweepEvery`-th refresh). The most expensive collector; turn it off if you do not use "
            + "`cirrus_stream_oldest_open_object_age_seconds`.",
        CollectorRole.Reader,
        CollectorPriority.Detail,
        (snapshot, o) => CallsPerRefresh(snapshot, (ObjectsCollectorOptions)o),
        [ObjectsMetrics.OldestOpenAge],
        CollectorOptionsBinding.Of(section => section.Get<ObjectsCollectorOptions>()),
        CollectorDescriptor.Registers<ObjectsCollector, IObjectsApi>());

    private readonly LastAnswers<long, double> _last = new();

    /// <summary>A stream with something open is called at every refresh, any other at every SweepEvery-th.</summary>
    private static double CallsPerRefresh(MetricsSnapshot snapshot, ObjectsCollectorOptions o)
    {
        var (open, ids) = (o.EffectiveOpenStatuses, snapshot.Catalogue.StreamIds);
        var called = StreamCounts.Latest(snapshot) is { } counts
            ? ids.Sum(id => counts.Open(id, open) > 0 ? 1 : 1.0 / o.SweepEvery)
            : ids.Count;
        return called * o.MaxPages;
    }
    private long _refreshes;

    /// <summary>The watched streams that have answered a call.</summary>
    private readonly HashSet<long> _answered = [];

    CollectorDescriptor ICollector.Descriptor => Descriptor;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        var o = options.Value.Collectors.Of<ObjectsCollectorOptions>(Descriptor);
        var open = o.EffectiveOpenStatuses;
        var statuses = string.Join(",", open.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        var now = clock.Now;
        var (from, to) = ((now - o.LookBack).ToUnixTimeSeconds(), now.ToUnixTimeSeconds());
        var (earliest, latest) = (DateTimeOffset.FromUnixTimeSeconds(from), now + ClockSkew);

        var refresh = _refreshes++;
        var counts = StreamCounts.Of(current, time.GetUtcNow());
        // A stream's first value comes from its own call (so the first refresh after start calls every stream), then
        // the counts may stand in for it.
        var idle = current.Catalogue.StreamIds
            .Where(id => _answered.Contains(id) && counts?.Open(id, open) == 0
                && !StreamCounts.Swept(id, refresh, o.SweepEvery))
            .ToHashSet();
        metrics.ObserveCallsSkipped(Label, idle.Count);

        var (ages, failed, first) = await FanOut.RunAsync(current.Catalogue.StreamIds.Except(idle).ToList(),
            options.Value.Http.MaxConcurrency,
            async (stream, ct) =>
            {
                DateTimeOffset? oldest = null;
                for (var page = 0; page < o.MaxPages; page++)
                {
                    using var response = await api.GetStreamObjects(stream, from, to, statuses, "asc", "createdtime",
                        page, o.PageSize, ct);
                    var items = await reader.ReadDataAsync(response, Label, StreamObject.ParseList, ct);
                    // Items without a status are trusted to match the filter; others are checked, in case it was
                    // ignored.
                    foreach (var item in items.Where(i => i.StatusId == 0 || open.Contains(i.StatusId)))
                    {
                        // Outside the window asked for, a time is wrong (0001-01-01, a future clock), not an age.
                        if (item.CreatedTime < earliest || item.CreatedTime > latest)
                        {
                            RefreshContext.Current?.RecordIgnored(IgnoredRows.TimeOutOfRange,
                                $"stream {stream}: object {item.ObjectId} createdTime {item.CreatedTime:O} "
                                    + $"outside {earliest:O} .. {latest:O}");
                            continue;
                        }
                        if (oldest is null || item.CreatedTime < oldest) oldest = item.CreatedTime;
                    }
                    if (items.Count < o.PageSize) break;
                }
                return oldest is { } t ? Math.Max(0, (now - t).TotalSeconds) : 0;
            }, cancellationToken);
        _answered.UnionWith(ages.Keys);
        _answered.IntersectWith(current.Catalogue.StreamIds);
        foreach (var stream in idle) ages[stream] = 0;
        var published = _last.Merge(current.Catalogue.StreamIds, ages, time.GetUtcNow(), options.Value.MaxDataAge);
        return RefreshResult.ForStreams(new ObjectsData(published), current, failed, first, Label);
    }
}
