using System.Diagnostics.CodeAnalysis;
using CirrusExporter.Configuration;
using CirrusExporter.Http;
using CirrusExporter.Metrics;

namespace CirrusExporter.Snapshot;

/// <summary>What a collector's data means to the others.</summary>
public enum CollectorRole
{
    /// <summary>Reads the streams the catalogue lists.</summary>
    Reader,

    /// <summary>
    /// Supplies the stream list (discovery) and module labels: refreshed before the others, and while its
    /// data is stale the catalogue falls back to the configured streams. Exactly one collector has it.
    /// </summary>
    StreamSource,
}

/// <summary>
/// Which collectors keep their interval when the API budget is short: the planner stretches the last ones first. In
/// this order, too, their calls go when they wait for the rate (the paging and source collectors' together).
/// </summary>
public enum CollectorPriority
{
    /// <summary>Its data feeds pages: stretched last, only when the others cannot make room.</summary>
    Paging,

    /// <summary>
    /// Never stretched: one call a refresh, and the per-stream collectors skip calls only on its counts while they are
    /// no older than two of its configured intervals.
    /// </summary>
    Source,

    /// <summary>Per-stream detail that no page depends on: stretched first.</summary>
    Detail,

    /// <summary>Off by default for its cost: stretched before <see cref="Detail"/>.</summary>
    OptIn,
}

/// <summary>
/// Everything the rest of the exporter knows about one collector: registration, validation, configuration
/// errors, HELP text, self-metric labels and the generated docs all iterate these.
/// </summary>
/// <param name="Label">The <c>collector</c> and <c>endpoint</c> label value.</param>
/// <param name="Section">Its key under <c>Cirrus:Collectors</c>.</param>
/// <param name="Endpoint">The API call, as the docs show it.</param>
/// <param name="Purpose">What enabling it costs and gives (the meaning of its Enabled key in the docs).</param>
/// <param name="Priority">Whose interval the scheduler stretches first when the API budget is short.</param>
/// <param name="CallsPerRefresh">
/// API calls a refresh makes, without retries, averaged over its sweeps: for the streams the snapshot watches, the
/// calls its counts let the collector skip, and its options.
/// </param>
/// <param name="Metrics">The families its data renders.</param>
/// <param name="OptionsBinding">Its options type, bound from its own section (its own keys validated by
/// <see cref="CollectorOptions.Validate"/>).</param>
/// <param name="Register">Adds the collector and its call interface, whose requests carry the given endpoint label, to
/// the container.</param>
public sealed record CollectorDescriptor(
    string Label,
    string Section,
    string Endpoint,
    string Purpose,
    CollectorRole Role,
    CollectorPriority Priority,
    Func<MetricsSnapshot, CollectorOptions, double> CallsPerRefresh,
    IReadOnlyList<MetricDefinition> Metrics,
    CollectorOptionsBinding OptionsBinding,
    Action<IServiceCollection, string> Register) : ICollectorSection
{
    /// <summary>Full configuration path of one of its keys.</summary>
    public string Key(string name) => $"{CirrusOptions.Section}:Collectors:{Section}:{name}";

    /// <summary>Its options within the collectors' options.</summary>
    public CollectorOptions Options(CollectorsOptions collectors) => collectors.For(this);

    /// <summary>
    /// Registers <typeparamref name="TCollector"/> and its call interface as a generated Refit client on the one named
    /// Cirrus HTTP client, so its calls share the resilience pipeline (rate limit, concurrency cap, circuit) with all
    /// others and carry the collector's label as their <c>endpoint</c>.
    /// </summary>
    public static Action<IServiceCollection, string> Registers<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCollector, TApi>()
        where TCollector : class, ICollector
        where TApi : class =>
        (services, endpoint) => services.AddSingleton<ICollector, TCollector>().AddCirrusApi<TApi>(endpoint);
}
