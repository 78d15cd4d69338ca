using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors.SlaExceptions;

/// <summary>GET /stats/streamsSLAExceptions: conversations in SLA breach and at the SLA-critical warning.</summary>
public sealed class SlaExceptionsCollector(
    ISlaExceptionsApi api, ApiResponseReader reader, IOptions<CirrusOptions> options) : ICollector
{
    public const string Label = "sla_exceptions";

    public static CollectorDescriptor Descriptor { get; } = new(
        Label, "SlaExceptions",
        "GET /stats/streamsSLAExceptions",
        "Poll `GET /stats/streamsSLAExceptions` (one call per interval): SLA breaches and SLA-critical warnings.",
        CollectorRole.Reader,
        CollectorPriority.Paging,
        (_, _) => 1,
        [SlaExceptionsMetrics.Breaches, SlaExceptionsMetrics.Critical],
        CollectorOptionsBinding.Of(section => section.Get<CollectorOptions>()),
        CollectorDescriptor.Registers<SlaExceptionsCollector, ISlaExceptionsApi>());

    CollectorDescriptor ICollector.Descriptor => Descriptor;

    public async Task<RefreshResult> CollectAsync(MetricsSnapshot current, CancellationToken cancellationToken)
    {
        var item1 = options.Value.SlaItem1;
        using var response = await api.GetStreamsSlaExceptions(cancellationToken);
        var lists = await reader.ReadDataAsync(response, Label,
            (data, endpoint) => SlaParser.Parse(data, endpoint, item1), cancellationToken);
        return new RefreshResult(new SlaData(lists));
    }
}
