using CirrusExporter.Metrics;

namespace CirrusExporter.Collectors.Conversations;

public static class ConversationsMetrics
{
    private const string Changed = "GET /streams/{id}/objects ordered by updatedtime, each conversation once";

    /// <summary>Seconds from a chat's quick answer to an e-mail's days-long wait.</summary>
    public static readonly double[] Buckets =
        [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

    private static readonly string[] StreamLabels = ["stream_id", "sub_stream_id", "module"];

    public static readonly MetricDefinition FirstResponse = new(
        "cirrus_stream_first_response_seconds", "histogram", StreamLabels,
        "Time from a conversation's creation to its first response in the stream's open hours (time the availability "
            + "collector saw the stream closed, state 0 or 3, does not count), observed once per conversation when "
            + "first seen answered; whole stream (sub_stream_id 0).",
        $"{Changed}: firstResponseTime - createdTime, less the closed time between", ConversationsCollector.Label,
        Buckets: Buckets);

    public static readonly MetricDefinition Resolution = new(
        "cirrus_stream_resolution_seconds", "histogram", StreamLabels,
        "Time from a conversation's creation to its close, observed once per conversation when first seen closed.",
        $"{Changed}: closedTime - createdTime", ConversationsCollector.Label, Buckets: Buckets);

    // Not "..._created_total": OpenMetrics reserves the _created suffix of counters, and its parsers reject the clash.
    public static readonly MetricDefinition Created = new(
        "cirrus_stream_conversations_total", "counter", StreamLabels,
        "Conversations created since the exporter started watching the stream.",
        $"{Changed}: createdTime", ConversationsCollector.Label);

    public static readonly MetricDefinition FirstResponded = new(
        "cirrus_stream_conversations_first_responded_total", "counter", StreamLabels,
        "Conversations that received their first response.",
        $"{Changed}: firstResponseTime", ConversationsCollector.Label);

    public static readonly MetricDefinition WithinTarget = new(
        "cirrus_stream_conversations_first_responded_within_target_total", "counter", StreamLabels,
        "Conversations whose first response came within the stream's SLO target, in its open hours as "
            + "cirrus_stream_first_response_seconds (streams with a target only).",
        $"{Changed}: firstResponseTime - createdTime, less the closed time between, <= target",
        ConversationsCollector.Label);

    public static readonly MetricDefinition Closed = new(
        "cirrus_stream_conversations_closed_total", "counter", StreamLabels,
        "Conversations closed.",
        $"{Changed}: closedTime", ConversationsCollector.Label);

    public static readonly MetricDefinition TargetSeconds = new(
        "cirrus_stream_first_response_slo_target_seconds", "gauge", StreamLabels,
        "The stream's first-response SLO target time (streams with a target only).",
        "Cirrus:Collectors:Conversations:Slo", ConversationsCollector.Label);

    public static readonly MetricDefinition Objective = new(
        "cirrus_stream_first_response_slo_objective_ratio", "gauge", StreamLabels,
        "Share of conversations that must get a first response within the target (streams with a target only).",
        "Cirrus:Collectors:Conversations:Slo", ConversationsCollector.Label);

    public static readonly MetricDefinition Awaiting = new(
        "cirrus_stream_conversations_awaiting_first_response", "gauge", StreamLabels,
        "Conversations in the configured open statuses with neither a first response nor a close, as last read; only "
            + "those created or changed since the exporter started watching the stream.",
        $"{Changed}: statusId open, firstResponseTime and closedTime empty", ConversationsCollector.Label);

    public static readonly MetricDefinition OldestAwaitingAge = new(
        "cirrus_stream_oldest_awaiting_first_response_age_seconds", "gauge", ["stream_id", "sub_stream_id"],
        "Open-hours age of the oldest conversation awaiting a first response (0 when none): time since its creation "
            + "less the time the stream was seen closed, as first responses are timed; whole stream (sub_stream_id 0).",
        $"{Changed}: createdTime of the oldest awaiting", ConversationsCollector.Label);

    public static readonly IReadOnlyList<MetricDefinition> All =
        [FirstResponse, Resolution, Created, FirstResponded, WithinTarget, Closed, TargetSeconds, Objective, Awaiting,
            OldestAwaitingAge];
}
