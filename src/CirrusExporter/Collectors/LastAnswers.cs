namespace CirrusExporter.Collectors;

/// <summary>
/// Each stream's last answer in a fan-out and when it came. A stream whose call fails keeps its last value until
/// that is <c>Cirrus:MaxDataAge</c> old, as a whole collector's data does when its refresh fails: one throttled
/// call must not make a stream's series vanish and come back, which breaks graphs and resolves alerts.
/// </summary>
/// <remarks>A collector holds one and refreshes one at a time, so no lock.</remarks>
public sealed class LastAnswers<TKey, TValue> where TKey : notnull
{
    private Dictionary<TKey, (TValue Value, DateTimeOffset At)> _last = [];

    /// <summary>
    /// The answers, plus the last answer of each target that did not answer while it is young enough.
    /// </summary>
    public Dictionary<TKey, TValue> Merge(
        IEnumerable<TKey> targets, IReadOnlyDictionary<TKey, TValue> answered, DateTimeOffset now, TimeSpan maxAge)
    {
        var next = new Dictionary<TKey, (TValue, DateTimeOffset)>();
        var values = new Dictionary<TKey, TValue>();
        foreach (var key in targets)
        {
            if (answered.TryGetValue(key, out var value))
            {
                next[key] = (value, now);
                values[key] = value;
            }
            else if (_last.TryGetValue(key, out var last) && now - last.At <= maxAge)
            {
                next[key] = last;
                values[key] = last.Value;
            }
        }
        _last = next;
        return values;
    }
}
