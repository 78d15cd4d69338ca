using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.Conversations;

/// <summary>One stream's totals as of a refresh, and its conversations waiting for a first response.</summary>
public sealed record StreamTimings(
    long StreamId, string Module, SloTargetOptions? Target, long Created, long WithinTarget,
    HistogramSnapshot FirstResponse, HistogramSnapshot Resolution,
    long Awaiting, double OldestAwaitingAgeSeconds);

/// <summary>Running totals per stream since the exporter started watching it; counters only ever grow.</summary>
public sealed record ConversationsData(IReadOnlyList<StreamTimings> Streams) : CollectorData
{
    public override void Render(ExpositionWriter w, RenderContext context)
    {
        var streams = Streams.Where(s => context.Catalogue.StreamIds.Contains(s.StreamId))
            .OrderBy(s => s.StreamId).ToList();
        Histogram(w, context, ConversationsMetrics.FirstResponse, streams, s => s.FirstResponse);
        Histogram(w, context, ConversationsMetrics.Resolution, streams, s => s.Resolution);
        Family(w, context, ConversationsMetrics.Created, streams, s => s.Created);
        Family(w, context, ConversationsMetrics.FirstResponded, streams, s => s.FirstResponse.Count);
        var targeted = streams.Where(s => s.Target is not null).ToList();
        Family(w, context, ConversationsMetrics.WithinTarget, targeted, s => s.WithinTarget);
        Family(w, context, ConversationsMetrics.Closed, streams, s => s.Resolution.Count);
        Family(w, context, ConversationsMetrics.TargetSeconds, targeted, s => s.Target!.FirstResponse.TotalSeconds);
        Family(w, context, ConversationsMetrics.Objective, targeted, s => s.Target!.Objective);
        Family(w, context, ConversationsMetrics.Awaiting, streams, s => s.Awaiting);
        w.Family(ConversationsMetrics.OldestAwaitingAge, context.Help(ConversationsMetrics.OldestAwaitingAge));
        foreach (var s in streams)
        {
            w.Sample(ConversationsMetrics.OldestAwaitingAge, s.OldestAwaitingAgeSeconds, context.Id(s.StreamId), "0");
        }
    }

    private static void Family(ExpositionWriter w, RenderContext context, MetricDefinition metric,
        List<StreamTimings> streams, Func<StreamTimings, double> value)
    {
        w.Family(metric, context.Help(metric));
        foreach (var s in streams) w.Sample(metric, value(s), context.Id(s.StreamId), "0", s.Module);
    }

    private static void Histogram(ExpositionWriter w, RenderContext context, MetricDefinition metric,
        List<StreamTimings> streams, Func<StreamTimings, HistogramSnapshot> select)
    {
        w.Family(metric, context.Help(metric));
        foreach (var s in streams)
            w.Histogram(metric, select(s), context.Id(s.StreamId), "0", s.Module);
    }
}
