using CirrusExporter.Api;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Configuration;
using CirrusExporter.Snapshot;

namespace CirrusExporter.UnitTests;

public sealed class StreamCatalogueTests
{
    private const int Chat = 9, WhatsApp = 13, Open = 1, InProcess = 8, Resolved = 2;

    private static CirrusOptions Options(bool discover = true) => new()
    {
        ApiToken = "t",
        DiscoverStreams = discover,
        Streams =
        [
            new StreamOptions { Id = 1, Name = "Web chat" },
            new StreamOptions { Id = 2, SubStreams = [5, 6] },
        ],
    };

    private static StatRow Row(int module, long stream, long sub, int status, long count)
        => new(module, stream, sub, status, count);

    private static string Describe(StreamCatalogue c) =>
        string.Join(" ",
            c.Streams.Select(s => $"{s.Key.StreamId}/{s.Key.SubStreamId}:{s.Name}:{s.ModuleId?.ToString() ?? "-"}"));

    [Fact]
    public void Configured_streams_come_first_then_discovered_ones_by_ascending_id()
    {
        var c = StreamCatalogue.Build(Options(), StreamCatalogue.Empty,
            [Row(Chat, 3, 0, Open, 4), Row(WhatsApp, 1, 0, Open, 2), Row(WhatsApp, 2, 5, Open, 1),
            Row(Chat, 3, 0, InProcess, 1), Row(Chat, 4, 9, Open, 1)], null);

        Assert.Equal("1/0:Web chat:13 2/5:2:13 2/6:2:- 3/0:3:9 4/9:4:9", Describe(c));
        Assert.Equal(new HashSet<long> { 1, 2, 3, 4 }, c.StreamIds);
    }

    [Fact]
    public void Max_streams_keeps_configured_keys_first_then_the_lowest_discovered_ids_and_counts_the_rest()
    {
        var options = Options();
        options.MaxStreams = 5;
        // Configured: 1/0, 2/5, 2/6, and 2/7 as reported for configured stream 2 (four keys). Discovered, in API order:
        // 9, 7, 8.
        var c = StreamCatalogue.Build(options, StreamCatalogue.Empty,
            [Row(Chat, 9, 0, Open, 1), Row(Chat, 7, 0, Open, 1), Row(Chat, 8, 0, Open, 1), Row(Chat, 2, 7, Open, 1)],
            null);

        Assert.Equal("1/0:Web chat:- 2/5:2:- 2/6:2:- 2/7:2:9 7/0:7:9", Describe(c));
        Assert.Equal(2, c.DroppedStreams);
        Assert.False(c.SourceStale);

        // Configured sub-streams count too: beyond the cap they are dropped in the order they are listed.
        options.MaxStreams = 2;
        var tight = StreamCatalogue.Build(options, StreamCatalogue.Empty,
            [Row(Chat, 9, 0, Open, 1), Row(Chat, 2, 6, Open, 1)], null);
        Assert.Equal("1/0:Web chat:- 2/5:2:-", Describe(tight));
        Assert.Equal(2, tight.DroppedStreams);
        Assert.Equal(new HashSet<long> { 1, 2 }, tight.StreamIds);
    }

    [Fact]
    public void With_discovery_on_and_no_fresh_source_rows_the_catalogue_is_marked_stale()
    {
        Assert.True(StreamCatalogue.Build(Options(), StreamCatalogue.Empty, null, null).SourceStale);
        Assert.False(StreamCatalogue.Build(Options(discover: false), StreamCatalogue.Empty, null, null).SourceStale);
    }

    [Fact]
    public void A_catalogue_whose_source_turned_fresh_is_not_the_same_as_the_stale_one_with_the_same_streams()
    {
        // The stream source answering with only the configured streams lists the very same streams as before it
        // answered: the catalogues must still differ, or the stale mark outlives the outage.
        var stale = StreamCatalogue.Build(Options(), StreamCatalogue.Empty, null, null);
        var fresh = StreamCatalogue.Build(Options(), stale, [], null);

        Assert.Equal(Describe(stale), Describe(fresh));
        Assert.False(fresh.SameAs(stale));
        Assert.True(fresh.SameAs(StreamCatalogue.Build(Options(), stale, [], null)));
    }

    [Fact]
    public void Without_discovery_only_configured_ids_are_kept_but_their_unlisted_sub_streams_are_added()
    {
        var c = StreamCatalogue.Build(Options(discover: false), StreamCatalogue.Empty,
            [Row(Chat, 3, 0, Open, 4), Row(Chat, 1, 7, Open, 2)], null);

        Assert.Equal("1/0:Web chat:- 2/5:2:- 2/6:2:- 1/7:Web chat:9", Describe(c));
        Assert.Equal(new HashSet<long> { 1, 2 }, c.StreamIds);
        Assert.DoesNotContain(c.KnownSourceCombos, k => k.Key.StreamId == 3);
    }

    [Fact]
    public void Combinations_are_remembered_while_the_stream_exists_and_forgotten_when_it_goes()
    {
        var options = new CirrusOptions { ApiToken = "t" };
        var first = StreamCatalogue.Build(options, StreamCatalogue.Empty,
            [Row(Chat, 7, 0, Open, 4), Row(Chat, 7, 0, InProcess, 2), Row(WhatsApp, 8, 0, Open, 1)],
            new SlaLists([Row(WhatsApp, 8, 0, Open, 1)], [Row(Chat, 7, 0, Resolved, 1)]).Rows);
        var second = StreamCatalogue.Build(options, first, [Row(Chat, 7, 0, Open, 5)], new SlaLists([], []).Rows);

        Assert.Equal("7/0:7:9", Describe(second));
        Assert.Equal(
            new HashSet<(StreamKey, int, int)> { (new StreamKey(7, 0), Chat, Open),
            (new StreamKey(7, 0), Chat, InProcess) },
            second.KnownSourceCombos.ToHashSet());
        Assert.Equal(new HashSet<(StreamKey, int, int)> { (new StreamKey(7, 0), Chat, Resolved) },
            second.KnownReportedCombos.ToHashSet());
    }

    [Fact]
    public void Sla_rows_of_unwatched_streams_are_not_remembered()
    {
        var c = StreamCatalogue.Build(Options(discover: false), StreamCatalogue.Empty, [],
            new SlaLists([Row(Chat, 77, 0, Open, 3)], [Row(Chat, 1, 0, Open, 1)]).Rows);

        Assert.Equal(new HashSet<(StreamKey, int, int)> { (new StreamKey(1, 0), Chat, Open) },
            c.KnownReportedCombos.ToHashSet());
        Assert.DoesNotContain(c.StreamIds, id => id == 77);
    }

    [Fact]
    public void A_streams_module_is_remembered_after_it_leaves_the_stats()
    {
        var first = StreamCatalogue.Build(Options(), StreamCatalogue.Empty, [Row(WhatsApp, 1, 0, Open, 2)], null);
        var second = StreamCatalogue.Build(Options(), first, [], null);

        Assert.Equal("1/0:Web chat:13 2/5:2:- 2/6:2:-", Describe(second));
    }

    [Fact]
    public void Stats_set_the_module_before_sla_lists_do()
    {
        var c = StreamCatalogue.Build(Options(), StreamCatalogue.Empty,
            [Row(WhatsApp, 1, 0, Open, 2)],
            new SlaLists([Row(Chat, 1, 0, Open, 1), Row(Chat, 2, 6, Open, 1)], []).Rows);

        Assert.Equal("1/0:Web chat:13 2/5:2:- 2/6:2:9", Describe(c));
    }

    [Fact]
    public void Without_fresh_stats_discovered_streams_drop_out_and_configured_ones_stay()
    {
        var first = StreamCatalogue.Build(Options(), StreamCatalogue.Empty,
            [Row(Chat, 3, 0, Open, 4), Row(Chat, 1, 0, Open, 1)], null);
        var stale = StreamCatalogue.Build(Options(), first, null, null);

        Assert.Equal("1/0:Web chat:9 2/5:2:- 2/6:2:-", Describe(stale));
        Assert.Equal(new HashSet<(StreamKey, int, int)> { (new StreamKey(1, 0), Chat, Open) },
            stale.KnownSourceCombos.ToHashSet());
    }

    [Fact]
    public void A_blank_name_falls_back_to_the_id()
    {
        var options = new CirrusOptions { ApiToken = "t", Streams = [new StreamOptions { Id = 42, Name = "  " }] };
        Assert.Equal("42/0:42:-", Describe(StreamCatalogue.Build(options, StreamCatalogue.Empty, null, null)));
    }

    [Fact]
    public void The_same_catalogue_in_another_stream_order_is_the_same_and_any_other_difference_is_not()
    {
        var c = StreamCatalogue.Build(Options(), StreamCatalogue.Empty,
            [Row(Chat, 3, 0, Open, 4), Row(Chat, 1, 7, Open, 1)], [Row(Chat, 3, 0, Resolved, 1)]);
        var reordered = c with { Streams = [.. c.Streams.Reverse()] };
        Assert.True(reordered.SameAs(c));
        Assert.True(c.SameAs(reordered));

        Assert.False(c.SameAs(
            c with { Streams = [.. c.Streams.Select(s => s.Key.StreamId == 3 ? s with { Name = "Voice" } : s)] }));
        Assert.False(c.SameAs(
            c with { Streams = [.. c.Streams.Select(s => s.Key.StreamId == 3 ? s with { ModuleId = WhatsApp } : s)] }));
        Assert.False(c.SameAs(c with { Streams = [.. c.Streams.Skip(1)] }));
        Assert.False(c.SameAs(c with { StreamIds = new HashSet<long>(c.StreamIds) { 99 } }));
        Assert.False(c.SameAs(c with
        {
            KnownSourceCombos = new HashSet<(StreamKey, int, int)>(
            c.KnownSourceCombos) { (new StreamKey(3, 0), Chat, InProcess) }
        }));
        Assert.False(c.SameAs(c with { KnownReportedCombos = new HashSet<(StreamKey, int, int)>() }));
        Assert.False(c.SameAs(c with { DroppedKeys = new HashSet<StreamKey> { new(4, 0) } }));
        Assert.False(c.SameAs(c with { SourceStale = true }));
    }

    [Fact]
    public void A_steady_tenant_keeps_its_catalogue_object_from_one_refresh_to_the_next()
    {
        StatRow[] rows = [Row(Chat, 3, 0, Open, 4), Row(WhatsApp, 1, 0, Open, 2), Row(WhatsApp, 2, 5, Open, 1),
            Row(Chat, 3, 0, InProcess, 1)];
        var first = StreamCatalogue.Build(Options(), StreamCatalogue.Empty, rows, [Row(Chat, 3, 0, Resolved, 1)]);
        var again = StreamCatalogue.Build(Options(), first, rows.Select(r => r with { Count = r.Count + 7 }).Reverse(),
            [Row(Chat, 3, 0, Resolved, 5)]);
        Assert.Same(first, again);

        var newStatus = StreamCatalogue.Build(Options(), first, [.. rows, Row(Chat, 3, 0, Resolved, 1)],
            [Row(Chat, 3, 0, Resolved, 5)]);
        Assert.NotSame(first, newStatus);
        Assert.Contains((new StreamKey(3, 0), Chat, Resolved), newStatus.KnownSourceCombos);
    }
}
