using System.Text.Json;
using CirrusExporter.Api;
using CirrusExporter.Collectors.Conversations;
using CirrusExporter.Metrics;

namespace CirrusExporter.UnitTests;

public sealed class ConversationsTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<ChangedConversation> Parse(string json) =>
        ChangedConversation.ParseList(JsonDocument.Parse(json).RootElement, "conversations");

    [Fact]
    public void Items_parse_with_any_casing_optional_times_and_the_closeTime_spelling()
    {
        var items = Parse(
            """[{"ObjectId":"5","CreatedTime":"2026-11-27T09:00:00","updatedTime":"2026-11-27T09:02:00Z",""" + """
            "firstResponseTime":"","closeTime":"2026-11-27T09:02:00Z"},
             {"objectId":6,"statusId":"1","createdTime":"2026-11-27T09:00:00Z","updatedTime":"2026-11-27T09:00:30Z",
            """ + """
            "firstResponseTime":"2026-11-27T09:00:30Z","closedTime":null}]
            """);

        Assert.Equal(new ChangedConversation(5, T, T.AddMinutes(2), null, T.AddMinutes(2)), items[0]);
        Assert.Equal(new ChangedConversation(6, T, T.AddSeconds(30), T.AddSeconds(30), null, StatusId: 1), items[1]);
    }

    [Theory]
    [InlineData("""{"objectId":1}""")]
    [InlineData("""[{"createdTime":"2026-11-27T09:00:00Z","updatedTime":"2026-11-27T09:00:00Z"}]""")]
    [InlineData("""[{"objectId":1,"createdTime":"2026-11-27T09:00:00Z"}]""")]
    [InlineData("""[{"objectId":1,"createdTime":"2026-11-27T09:00:00Z","updatedTime":"2026-11-27T09:00:"""
        + """00Z","closedTime":17}]""")]
    [InlineData("""[{"objectId":1,"createdTime":"soon","updatedTime":"2026-11-27T09:00:00Z"}]""")]
    [InlineData("""[7]""")]
    public void Unrecognised_shapes_fail_rather_than_guess(string json)
    {
        Assert.Throws<CirrusApiException>(() => Parse(json));
    }

    [Fact]
    public void Buckets_are_cumulative_and_the_last_bucket_equals_the_count()
    {
        var h = new HistogramCounts([10, 60]);
        foreach (var v in new[] { 3.0, 10, 11, 500 }) h.Observe(v);

        var s = h.Snapshot();
        Assert.Equal([2L, 3L], s.Cumulative);
        Assert.Equal(4, s.Count);
        Assert.Equal(524, s.Sum);
    }

    [Fact]
    public void Remembered_ids_are_only_those_a_later_window_could_read_again()
    {
        var tally = new StreamTally("chat", null, (from, to) => (to - from).TotalSeconds);
        var overlap = TimeSpan.FromMinutes(2);
        for (var minute = 0; minute < 60; minute++)
        {
            var now = T.AddMinutes(minute);
            var horizon = tally.Horizon(now, overlap);
            tally.Count(new ChangedConversation(minute, now.AddSeconds(-30), now, now, null), horizon, [1, 8]);
            tally.Complete(now, overlap, now.AddDays(-7));
        }

        Assert.Equal(60, tally.Created);
        Assert.Equal(60, tally.FirstResponse.Count);
        // Only events at or after the next window's start (minute 57): created at 57:30 and 58:30, answered at 57, 58
        // and 59.
        Assert.Equal(5, tally.TrackedIds);
    }

    [Fact]
    public void A_stream_is_unchanged_only_while_counts_read_since_its_last_read_still_show_it_without_conversations()
    {
        var tally = new StreamTally("chat", null, (from, to) => (to - from).TotalSeconds);
        Assert.False(tally.Unchanged(empty: true, T.AddMinutes(1))); // never read

        tally.ReadUpTo(empty: true, T);
        Assert.True(tally.Unchanged(empty: true, T.AddMinutes(1)));
        Assert.False(tally.Unchanged(empty: true, T)); // counts read no later than the read vouch for nothing after it
        Assert.False(tally.Unchanged(empty: false, T.AddMinutes(1)));

        // had conversations: equal counts would not prove nothing changed
        tally.ReadUpTo(empty: false, T.AddMinutes(2));
        Assert.False(tally.Unchanged(empty: true, T.AddMinutes(3)));

        tally.ReadUpTo(empty: true, T.AddMinutes(4));
        tally.Count(new ChangedConversation(1, T, T, null, null, 1), T.AddDays(-1), [1, 8]);
        Assert.False(tally.Unchanged(empty: true, T.AddMinutes(5))); // one awaits a first response
    }

    [Fact]
    public void Waiting_conversations_are_forgotten_once_past_the_look_back_as_the_oldest_open_age_forgets_them()
    {
        var tally = new StreamTally("mailbox_connector", null, (from, to) => (to - from).TotalSeconds);
        tally.Count(new ChangedConversation(1, T.AddDays(-8), T.AddDays(-8), null, null, 1), T.AddDays(-9), [1, 8]);
        tally.Count(new ChangedConversation(2, T.AddHours(-1), T.AddHours(-1), null, null, 8), T.AddDays(-9), [1, 8]);
        Assert.Equal(2, tally.Awaiting);

        tally.Complete(T, TimeSpan.FromMinutes(2), T.AddDays(-7));

        Assert.Equal(1, tally.Awaiting);
        Assert.Equal(3600, tally.OldestAwaitingAge(T));
    }
}
