using System.Net;

namespace CirrusExporter.Api;

/// <summary>
/// What the HTTP pipeline and the parsers saw during one collector refresh: retries, auth failures and
/// rows ignored by a guard. Flows through async calls, so callbacks and parsers report into the refresh
/// that caused them.
/// </summary>
public sealed class RefreshContext
{
    private static readonly AsyncLocal<RefreshContext?> CurrentContext = new();
    private int _retries;
    private int _authFailures;
    private int _throttled;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, string First)> _ignored =
        new();

    public static RefreshContext? Current => CurrentContext.Value;

    public int Retries => Volatile.Read(ref _retries);

    public int AuthFailures => Volatile.Read(ref _authFailures);

    /// <summary>
    /// Attempts answered 429: a refresh that then fails (deadline, circuit) was throttled, whatever its last error
    /// says.
    /// </summary>
    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>
    /// The deadline this refresh runs under: the configured one, or the interval the scheduler stretched.
    /// </summary>
    public TimeSpan Deadline { get; private init; }

    /// <summary>
    /// Where this refresh's requests queue for the rate and the places in flight: lower ranks are sent first. From the
    /// collector's priority, so that paging collectors' calls go before the detail collectors'.
    /// </summary>
    public int Rank { get; private init; }

    public static RefreshContext Begin(TimeSpan deadline, int rank = 0) =>
        CurrentContext.Value = new RefreshContext { Deadline = deadline, Rank = rank };

    public static void End() => CurrentContext.Value = null;

    /// <summary>
    /// Rows left out by reason (see <see cref="IgnoredRows"/>), with the first one described for the log.
    /// </summary>
    public IReadOnlyDictionary<string, (int Count, string First)> Ignored => _ignored;

    public void RecordRetry() => Interlocked.Increment(ref _retries);

    public void RecordStatus(HttpStatusCode code)
    {
        if (code is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) Interlocked.Increment(ref _authFailures);
        if (code is HttpStatusCode.TooManyRequests) Interlocked.Increment(ref _throttled);
    }

    /// <summary>
    /// Records a row a guard left out; <paramref name="detail"/> must hold no upstream text unescaped.
    /// </summary>
    public void RecordIgnored(string reason, string detail) =>
        _ignored.AddOrUpdate(reason, _ => (1, detail), (_, v) => (v.Count + 1, v.First));
}

/// <summary>The reasons a row of upstream data is left out rather than published.</summary>
public static class IgnoredRows
{
    /// <summary>A stream id of 0 or below, or a negative sub-stream id.</summary>
    public const string InvalidStreamId = "invalid_stream_id";

    /// <summary>
    /// A conversation created before the look-back window, a time of it in the future, or its first response or close
    /// before its creation.
    /// </summary>
    public const string TimeOutOfRange = "time_out_of_range";

    public static readonly IReadOnlyList<string> Reasons = [InvalidStreamId, TimeOutOfRange];
}
