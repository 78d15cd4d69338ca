using System.Diagnostics.CodeAnalysis;
using CirrusExporter.Api;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors;

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
/// Everything the rest of the exporter knows about one collector: registration, validation, configuration
/// errors, HELP text, self-metric labels and the generated docs all iterate these.
/// </summary>
/// <param name="Label">The <c>collector</c> and <c>endpoint</c> label value.</param>
/// <param name="Section">Its key under <c>Cirrus:Collectors</c>, the name of its <see cref="CollectorsOptions"/> property.</param>
/// <param name="Endpoint">The API call, as the docs show it.</param>
/// <param name="PathSuffix">How a request path ends for this endpoint, to label per-attempt self-metrics.</param>
/// <param name="Purpose">What enabling it costs and gives (the meaning of its Enabled key in the docs).</param>
/// <param name="Metrics">The families its data renders.</param>
/// <param name="Options">Its options within the collectors section.</param>
/// <param name="Validate">Checks its own keys beyond Enabled/Interval/Timeout; reports (key under its section, message).</param>
/// <param name="Register">Adds the collector and its call interface to the container.</param>
public sealed record CollectorDescriptor(
    string Label,
    string Section,
    string Endpoint,
    string PathSuffix,
    string Purpose,
    CollectorRole Role,
    IReadOnlyList<MetricDefinition> Metrics,
    Func<CollectorsOptions, CollectorOptions> Options,
    Func<CirrusOptions, IEnumerable<(string Key, string Message)>> Validate,
    Action<IServiceCollection> Register)
{
    /// <summary>Full configuration path of one of its keys.</summary>
    public string Key(string name) => $"{CirrusOptions.Section}:Collectors:{Section}:{name}";

    /// <summary>Registers <typeparamref name="TCollector"/> and resolves its call interface from the one typed client.</summary>
    public static Action<IServiceCollection> Registers<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCollector, TApi>()
        where TCollector : class, ICollector
        where TApi : class =>
        services => services
            .AddSingleton<ICollector, TCollector>()
            .AddTransient(sp => (TApi)sp.GetRequiredService<ICirrusApi>());

    /// <summary>For collectors without keys of their own.</summary>
    public static IEnumerable<(string Key, string Message)> NoOwnKeys(CirrusOptions options) => [];
}
