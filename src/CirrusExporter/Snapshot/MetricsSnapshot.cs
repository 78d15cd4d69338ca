namespace CirrusExporter.Snapshot;

/// <summary>
/// Everything a scrape serves, immutable: the collectors' latest states, the stream catalogue and the
/// pre-rendered exposition parts. Replaced as a whole, so a scrape never sees half of two refreshes.
/// </summary>
/// <param name="StreamSource">The label of the collector whose data lists the streams.</param>
public sealed record MetricsSnapshot(
    long Generation,
    IReadOnlyDictionary<string, CollectorState> Collectors,
    StreamCatalogue Catalogue,
    IReadOnlyDictionary<string, RenderedPart> Parts,
    string StreamSource);
