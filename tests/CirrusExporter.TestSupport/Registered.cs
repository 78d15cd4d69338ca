using CirrusExporter.Hosting;
using CirrusExporter.Snapshot;
using Microsoft.Extensions.DependencyInjection;

namespace CirrusExporter.TestSupport;

/// <summary>
/// The collectors as the exporter's composition registers them, read from a container as its services take them: the
/// tests' one way to the list, so they iterate exactly what the exporter runs.
/// </summary>
public static class Registered
{
    public static IReadOnlyList<CollectorDescriptor> Collectors { get; } =
        [.. new ServiceCollection().AddCollectors().BuildServiceProvider().GetServices<CollectorDescriptor>()];

    /// <summary>The collector whose data lists the streams.</summary>
    public static CollectorDescriptor StreamSource => Collectors.Single(d => d.Role == CollectorRole.StreamSource);

    public static CollectorDescriptor Collector(string label) => Collectors.Single(d => d.Label == label);

    public static IReadOnlyList<string> Labels => [.. Collectors.Select(d => d.Label)];
}
