using CirrusExporter.Api;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.Collectors.SlaExceptions;

/// <summary>The two lists of /stats/streamsSLAExceptions after the Item1/Item2 mapping.</summary>
public sealed record SlaLists(IReadOnlyList<StatRow> Breaches, IReadOnlyList<StatRow> Critical)
{
    public IEnumerable<StatRow> Rows => Breaches.Concat(Critical);
}

public sealed record SlaData(SlaLists Lists) : CollectorData, IReportsStreamRows
{
    public IEnumerable<StatRow> StreamRows => Lists.Rows;

    /// <summary>
    /// Both families share one zero-fill: every combination either list reported, plus the stream source's
    /// combinations in an open status, so a stream with open conversations and no breach shows 0, not nothing.
    /// </summary>
    public override void Render(ExpositionWriter w, RenderContext context)
    {
        // Declared dependency: the open statuses are the objects collector's (Cirrus:Collectors:Objects:OpenStatuses),
        // which drive its oldest-open search; they apply here whether or not that collector is enabled.
        var open = context.OptionsOf<ObjectsCollectorOptions>(ObjectsCollector.Descriptor).EffectiveOpenStatuses;
        var zeroFill = context.Catalogue.KnownReportedCombos
            .Concat(context.Catalogue.KnownSourceCombos.Where(c => open.Contains(c.Status)));
        context.StatFamily(w, SlaExceptionsMetrics.Breaches, Lists.Breaches, zeroFill);
        context.StatFamily(w, SlaExceptionsMetrics.Critical, Lists.Critical, zeroFill);
    }
}
