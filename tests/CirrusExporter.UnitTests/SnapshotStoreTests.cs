using CirrusExporter.Api;
using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

public sealed class SnapshotStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static (SnapshotStore Store, FakeTimeProvider Time) NewStore(CirrusOptions options)
    {
        var time = new FakeTimeProvider(Start);
        return (new SnapshotStore(Registered.Collectors, Options.Create(options), new LabelNames(options), time), time);
    }

    private static CirrusOptions Configured()
        => new() { ApiToken = "t", Streams = [new StreamOptions { Id = 1, Name = "Web chat" }] };

    private static Func<CollectorState, CollectorState> Fetched(CollectorData data, DateTimeOffset at) =>
        s => s with { Data = data, DataTime = at, LastSuccess = at, LastAttempt = at, LastSucceeded = true };

    [Fact]
    public void The_first_snapshot_has_generation_zero_every_collector_and_only_the_info_part()
    {
        var (store, _) = NewStore(Configured());
        var snapshot = store.Current;

        Assert.Equal(0, snapshot.Generation);
        Assert.Equal(Registered.Labels.Order(), snapshot.Collectors.Keys.Order());
        Assert.All(snapshot.Collectors.Values, c => Assert.Null(c.Data));
        Assert.Equal([SnapshotRenderer.InfoPart], snapshot.Parts.Keys);
        Assert.Equal(["1/0 Web chat"],
            snapshot.Catalogue.Streams.Select(s => $"{s.Key.StreamId}/{s.Key.SubStreamId} {s.Name}"));
        Assert.Equal(TimeSpan.FromSeconds(60), snapshot.Collectors[ObjectsCollector.Label].Interval);
    }

    [Fact]
    public void Each_publish_replaces_the_snapshot_and_increments_the_generation()
    {
        var (store, time) = NewStore(Configured());
        var before = store.Current;

        var first = store.Publish(AvailabilityCollector.Label,
            Fetched(new AvailabilityData(new Dictionary<StreamKey, int> { [new(1, 0)] = 1 }), time.GetUtcNow()));
        var second = store.Publish(AvailabilityCollector.Label,
            s => s with { LastSucceeded = false, LastError = "boom" });

        Assert.Equal((1L, 2L), (first.Generation, second.Generation));
        Assert.Same(second, store.Current);
        Assert.Null(before.Collectors[AvailabilityCollector.Label].Data);
        Assert.True(first.Collectors[AvailabilityCollector.Label].LastSucceeded);
        Assert.Equal("boom", second.Collectors[AvailabilityCollector.Label].LastError);
        Assert.IsType<AvailabilityData>(second.Collectors[AvailabilityCollector.Label].Data);
        Assert.Contains(AvailabilityCollector.Label, second.Parts.Keys);
    }

    [Fact]
    public async Task Publishes_run_in_turn_on_one_long_lived_thread_of_the_store()
    {
        var (store, _) = NewStore(Configured());
        var threads = new List<Thread>();
        Func<CollectorState, CollectorState> Recorded(int i) => s =>
        {
            lock (threads) threads.Add(Thread.CurrentThread);
            return s with { LastError = $"refresh {i}" };
        };

        var published = await Task.WhenAll(Enumerable.Range(1, 20)
            .Select(i => Task.Run(() => store.PublishAsync(AvailabilityCollector.Label, Recorded(i)))));

        Assert.Equal(20, threads.Count);
        var thread = Assert.Single(threads.Distinct());
        Assert.False(thread.IsThreadPoolThread);
        Assert.True(thread.IsAlive);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), published.Select(p => p.Generation).Order());

        store.Dispose();
        var last = await store.PublishAsync(AvailabilityCollector.Label, s => s with { LastError = "after dispose" });
        Assert.Equal((21L, "after dispose"), (last.Generation, last.Collectors[AvailabilityCollector.Label].LastError));
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Discovery_uses_stream_stats_only_while_they_are_fresh()
    {
        var (store, time) = NewStore(Configured());
        store.Publish(StreamStatsCollector.Label,
            Fetched(new StreamStatsData([new StatRow(9, 3, 0, 1, 4)]), time.GetUtcNow()));
        Assert.Equal([1L, 3L], store.Current.Catalogue.Streams.Select(s => s.Key.StreamId));

        // A failed refresh keeps the last data; it still counts while younger than MaxDataAge.
        time.Advance(TimeSpan.FromMinutes(5));
        store.Publish(StreamStatsCollector.Label,
            s => s with { LastSucceeded = false, LastAttempt = time.GetUtcNow() });
        Assert.Equal([1L, 3L], store.Current.Catalogue.Streams.Select(s => s.Key.StreamId));

        time.Advance(TimeSpan.FromSeconds(1));
        store.Publish(AvailabilityCollector.Label, s => s with { LastAttempt = time.GetUtcNow() });
        Assert.Equal([1L], store.Current.Catalogue.Streams.Select(s => s.Key.StreamId));
        Assert.Empty(store.Current.Catalogue.KnownSourceCombos);
    }

    [Fact]
    public void Sla_lists_feed_the_catalogue_only_while_fresh()
    {
        var (store, time) = NewStore(Configured());
        var sla = new SlaLists([new StatRow(13, 1, 0, 1, 2)], []);
        store.Publish(SlaExceptionsCollector.Label, Fetched(new SlaData(sla), time.GetUtcNow()));
        Assert.Equal(13, store.Current.Catalogue.Streams.Single().ModuleId);

        time.Advance(TimeSpan.FromMinutes(6));
        var fresh = store.Publish(StreamStatsCollector.Label,
            Fetched(new StreamStatsData([new StatRow(9, 1, 0, 1, 1)]), time.GetUtcNow()));
        // The remembered module is overwritten by fresh stats, not by the stale SLA list.
        Assert.Equal(9, fresh.Catalogue.Streams.Single().ModuleId);
    }
}
