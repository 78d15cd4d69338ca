namespace CirrusExporter.Api;

/// <summary>One (module, stream, sub-stream, status) group of /stats/streams or an SLA list.</summary>
public readonly record struct StatRow(int ModuleId, long StreamId, long SubStreamId, int StatusId, long Count);

/// <summary>The two lists of /stats/streamsSLAExceptions after the Item1/Item2 mapping.</summary>
public sealed record SlaLists(IReadOnlyList<StatRow> Breaches, IReadOnlyList<StatRow> Critical);

/// <summary>The fields of a stream object the exporter uses.</summary>
public readonly record struct StreamObject(long ObjectId, int StatusId, DateTimeOffset CreatedTime);
