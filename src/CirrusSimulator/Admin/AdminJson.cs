using System.Text.Json;
using System.Text.Json.Serialization;

namespace CirrusSimulator.Admin;

internal sealed record AdminError(string Error);

internal sealed record BreachInjected(long StreamId, int Injected);

internal sealed record AdminSummary(
    int Seed, double SpeedFactor, int LargeTenantStreams, Faults Faults, Dictionary<string, long> Calls,
    TenantSummary Tenant);

internal sealed record TenantSummary(DateTimeOffset SimulatedTime, int Conversations, long ConversationsCreated,
    List<StreamSummary> Streams);

internal sealed record StreamSummary(long Id, string? Name, int ModuleId, bool Active, bool Open, int State,
    List<QueueSummary> Queues);

/// <summary>Conversations of a stream created, first answered and closed in a period.</summary>
internal sealed record ConversationTruth(long StreamId, int Created, int FirstResponses, int Closures);

internal sealed record QueueSummary(
    long SubStreamId, int Agents, int BusySlots, int Slots, int Waiting, int SlaWarning, int SlaCritical,
    int SlaBreached,
    Dictionary<string, int> Statuses);

/// <summary>
/// Source-generated (reflection-free, so Native AOT-safe) JSON for the admin API, with the web defaults'
/// camelCase names; dictionary keys (endpoint names, status ids) are written as they are.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AdminError))]
[JsonSerializable(typeof(BreachInjected))]
[JsonSerializable(typeof(Faults))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(AdminSummary))]
[JsonSerializable(typeof(List<ConversationTruth>))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
