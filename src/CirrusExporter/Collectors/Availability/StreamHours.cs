using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Collectors.Availability;

/// <summary>
/// When each stream was seen closed (availability 0 inactive or 3 unavailable on every sub-stream that answered),
/// so first-response times can leave out the hours nobody was expected to answer. The exporter knows only its own
/// polls: the time between two consecutive polls that both saw the stream closed, at most Cirrus:MaxDataAge apart,
/// counts as closed; everything else, including history from before the exporter started, counts as open.
/// </summary>
/// <remarks>Memory is bounded: per stream the last <see cref="MaxIntervals"/> closed intervals (a closed night or
/// weekend is one).</remarks>
public sealed class StreamHours(IOptions<CirrusOptions> options)
{
    public const int MaxIntervals = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, History> _streams = [];

    /// <summary>One availability poll's verdict on a stream, at the API's time of the poll.</summary>
    public void Observe(long streamId, DateTimeOffset at, bool closed)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(streamId, out var s)) _streams[streamId] = s = new History();
            if (s.Last is { } last && at <= last.At) return;
            if (s.Last is { Closed: true } previous && closed && at - previous.At <= options.Value.MaxDataAge)
            {
                if (s.Closed.Count > 0 && s.Closed[^1].End == previous.At) s.Closed[^1] = (s.Closed[^1].Start, at);
                else s.Closed.Add((previous.At, at));
                if (s.Closed.Count > MaxIntervals) s.Closed.RemoveAt(0);
            }
            s.Last = (at, closed);
        }
    }

    /// <summary>How much of [<paramref name="from"/>, <paramref name="to"/>] the stream was seen closed.</summary>
    public TimeSpan ClosedBetween(long streamId, DateTimeOffset from, DateTimeOffset to)
    {
        var closed = TimeSpan.Zero;
        lock (_lock)
        {
            if (!_streams.TryGetValue(streamId, out var s)) return closed;
            foreach (var (start, end) in s.Closed)
            {
                var overlap = (end < to ? end : to) - (start > from ? start : from);
                if (overlap > TimeSpan.Zero) closed += overlap;
            }
        }
        return closed;
    }

    /// <summary>
    /// The time in [<paramref name="from"/>, <paramref name="to"/>] the stream was not seen closed, in seconds, never
    /// negative.
    /// </summary>
    public double OpenSeconds(long streamId, DateTimeOffset from, DateTimeOffset to) =>
        Math.Max(0, (to - from - ClosedBetween(streamId, from, to)).TotalSeconds);

    private sealed class History
    {
        public (DateTimeOffset At, bool Closed)? Last { get; set; }

        public List<(DateTimeOffset Start, DateTimeOffset End)> Closed { get; } = [];
    }
}
