using CirrusExporter.Api;
using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors.Conversations;

/// <summary>
/// GET /streams/{id}/objects ordered by updated time: per stream, the conversations that changed since the end of
/// its last complete window (less the overlap), page by page until a short page. Each conversation is counted once
/// when first seen created, first seen answered and first seen closed, so totals grow with traffic, not history.
/// First responses are timed in the stream's open hours (<see cref="StreamHours"/>); conversations seen waiting for
/// one are kept until answered or closed, for the awaiting count and the oldest one's age. A stream whose
/// /stats/streams reads show without any conversation, before and since its last read, is not read
/// (<see cref="StreamTally.Unchanged"/>), except on every SweepEvery-th refresh (a share of such streams is read at
/// each refresh, <see cref="StreamCounts.Swept"/>).
/// </summary>
public sealed class ConversationsCollector(
    IConversationsApi api, ApiResponseReader reader, IOptions<CirrusOptions> options, LabelNames labels,
    StreamHours hours, ApiClock clock, TimeProvider time, SelfMetrics metrics) : ICollector
{
    public const string Label = "conversations";

    public static CollectorDescriptor Descriptor { get; } = new(
        Label, "Conversations",
        "GET /streams/{id}/objects (order=updatedtime)",
        "Poll `GET /streams/{id}/objects` for what changed since the last refresh: per watched stream one call per "
            + "interval, plus one per further 100 changed conversations; none for a stream `/stats/streams` keeps "
            + "showing without conversations (but on every `SweepEvery`-th refresh). Off by default for its cost; turn "
            + "it on for first-response and resolution times and SLOs.",
        CollectorRole.Reader,
        CollectorPriority.OptIn,
        // Its further pages depend on traffic, and its skipping on its own reads: the planner counts one call a stream.
        (snapshot, _) => snapshot.Catalogue.StreamIds.Count,
        ConversationsMetrics.All,
        CollectorOptionsBinding.Of(section => section.Get<ConversationsCollectorOptions>()),
        CollectorDescriptor.Registers<ConversationsCollector, IConversationsApi>());

    private readonly Dictionary<long, StreamTally> _tallies = [];
    private long _refreshes;

    CollectorDescriptor ICollector.Descriptor => Descriptor;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        var o = options.Value.Collectors.Of<ConversationsCollectorOptions>(Descriptor);
        // What counts as open, and how far back, is the objects collector's, so the awaiting and oldest-open series
        // agree.
        var objects = options.Value.Collectors.Of<ObjectsCollectorOptions>(ObjectsCollector.Descriptor);
        var now = clock.Now;
        var modules = current.Catalogue.Streams
            .Where(s => s.ModuleId is not null)
            .GroupBy(s => s.Key.StreamId)
            .Select(g => (Id: g.Key, Module: labels.Module(g.First().ModuleId!.Value)))
            // A module folded by Cirrus:MaxUnknownLabelValues has no label value: such a stream is not timed.
            .Where(m => m.Module is not null)
            .ToDictionary(m => m.Id, m => m.Module!);
        // A stream starts counting once its module is known, so its series never change labels.
        foreach (var id in _tallies.Keys.Where(id => !modules.ContainsKey(id)).ToList()) _tallies.Remove(id);
        foreach (var (id, module) in modules)
        {
            if (!_tallies.TryGetValue(id, out var t) || t.Module != module)
            {
                _tallies[id] = new StreamTally(module, o.TargetOf(id, module),
                    (from, to) => hours.OpenSeconds(id, from, to));
            }
            else
            {
                t.Target = o.TargetOf(id, module);
            }
        }

        var counts = StreamCounts.Of(current, time.GetUtcNow());
        var refresh = _refreshes++;
        HashSet<long> unchanged = counts is null
            ? []
            : _tallies.Where(kv => !StreamCounts.Swept(kv.Key, refresh, o.SweepEvery)
                    && kv.Value.Unchanged(counts.Rows(kv.Key).Count == 0, counts.ReadAt))
                .Select(kv => kv.Key).ToHashSet();
        metrics.ObserveCallsSkipped(Label, unchanged.Count);

        var (_, failed, first) = await FanOut.RunAsync(_tallies.Keys.Except(unchanged).ToList(),
            options.Value.Http.MaxConcurrency,
            (stream, ct) => ReadChangesAsync(stream, _tallies[stream], o, objects, now,
                counts?.Rows(stream).Count == 0, ct),
            cancellationToken);

        var streams = _tallies.Select(kv => new StreamTimings(kv.Key, kv.Value.Module, kv.Value.Target,
            kv.Value.Created, kv.Value.WithinTarget, kv.Value.FirstResponse.Snapshot(), kv.Value.Resolution.Snapshot(),
            kv.Value.Awaiting, kv.Value.OldestAwaitingAge(now))).ToList();
        return RefreshResult.ForStreams(new ConversationsData(streams), current, failed, first, Label);
    }

    /// <param name="empty">Whether the /stats/streams read this refresh relies on shows the stream without
    /// conversations (false without such a read).</param>
    private async Task<bool> ReadChangesAsync(
        long stream, StreamTally tally, ConversationsCollectorOptions o, ObjectsCollectorOptions objects,
        DateTimeOffset now, bool empty,
        CancellationToken ct)
    {
        var open = objects.EffectiveOpenStatuses;
        var horizon = tally.Horizon(now, o.Overlap);
        var (earliest, latest) = (now - objects.LookBack, now + ObjectsCollector.ClockSkew);
        var end = now;
        for (var page = 0; page < o.MaxPages; page++)
        {
            using var response = await api.GetChangedObjects(stream, horizon.ToUnixTimeSeconds(),
                now.ToUnixTimeSeconds(), "updatedtime", "asc", page, o.PageSize, ct);
            var items = await reader.ReadDataAsync(response, Label, ChangedConversation.ParseList, ct);
            foreach (var item in items)
            {
                if (item.Impossible(earliest, latest) is { } why)
                {
                    RefreshContext.Current?.RecordIgnored(IgnoredRows.TimeOutOfRange, $"stream {stream}: {why}");
                }
                else
                {
                    tally.Count(item, horizon, open);
                }
            }
            if (items.Count < o.PageSize)
            {
                tally.Complete(end, o.Overlap, now - objects.LookBack);
                tally.ReadUpTo(empty, time.GetUtcNow());
                return true;
            }
            // Too many changes for one refresh: the next one continues after the last conversation read.
            end = items[^1].Updated < now ? items[^1].Updated : now;
        }
        tally.Complete(end, o.Overlap, now - objects.LookBack);
        // Changes are left to read: the counts cannot vouch for this stream until a read reaches the present.
        tally.ReadUpTo(false, time.GetUtcNow());
        return true;
    }
}
