using CirrusExporter.Api;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;
using CirrusExporter.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

/// <summary>
/// Parts' buffers are pooled: a scrape must never see a buffer that went back to the pool and was reused.
/// </summary>
public sealed class PooledPartsTests
{
    private const int Chat = 9, Open = 1;

    private static (SnapshotStore Store, MetricsWriter Writer, FakeTimeProvider Time) NewStore()
    {
        var options = new CirrusOptions
        {
            ApiToken = "t",
            Streams = [.. Enumerable.Range(1, 50).Select(i => new StreamOptions { Id = i })]
        };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var store = new SnapshotStore(Registered.Collectors, Options.Create(options), new LabelNames(options), time);
        return (store, new MetricsWriter(store, new SelfMetrics(Registered.Labels), time), time);
    }

    /// <summary>Every stream reports <paramref name="count"/> open conversations.</summary>
    private static MetricsSnapshot PublishCounts(SnapshotStore store, FakeTimeProvider time, long count) =>
        store.Publish(StreamStatsCollector.Label, s => s with
        {
            Data = new StreamStatsData([.. Enumerable.Range(1, 50).Select(i => new StatRow(Chat, i, 0, Open, count))]),
            DataTime = time.GetUtcNow(),
            LastSuccess = time.GetUtcNow(),
            LastSucceeded = true,
        });

    private static string Text(MetricsWriter.Body body) => body.Segments.Utf8();

    /// <summary>The values of cirrus_stream_objects in a scrape, one per stream.</summary>
    private static long[] Counts(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith("cirrus_stream_objects{", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]))];

    [Fact]
    public void A_part_that_no_snapshot_shows_goes_back_to_the_pool_at_once()
    {
        var (store, _, time) = NewStore();
        var first = PublishCounts(store, time, 1).Parts[StreamStatsCollector.Label];
        var second = PublishCounts(store, time, 2).Parts[StreamStatsCollector.Label];

        Assert.Throws<ObjectDisposedException>(() => first.Text);
        Assert.False(first.TryAcquire());
        Assert.Throws<InvalidOperationException>(first.Release);
        Assert.False(first.TryAcquire());
        Assert.Contains("} 2\n", second.Text.Utf8());
        // The info part did not change, so the new snapshot still shows (and holds) it.
        Assert.True(store.Current.Parts[SnapshotRenderer.InfoPart].TryAcquire());
    }

    [Fact]
    public void A_lease_holds_the_fresh_parts_until_it_is_disposed()
    {
        var (store, _, time) = NewStore();
        PublishCounts(store, time, 1);
        var lease = store.Acquire(openMetrics: false);
        var stats = lease.Parts[0];
        Assert.Equal(2, lease.Parts.Count);
        Assert.Same(store.Current.Parts[SnapshotRenderer.InfoPart], lease.Parts[1]);

        PublishCounts(store, time, 2);
        Assert.Equal(Enumerable.Repeat(1L, 50), Counts(stats.Text.Utf8()));
        lease.Dispose();
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stats.Text);
        // The info part did not change: the store still holds it after the lease gave its own reference back once.
        Assert.Contains("cirrus_stream_info{", store.Current.Parts[SnapshotRenderer.InfoPart].Text.Utf8());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_scrape_keeps_the_parts_it_serves_until_it_is_disposed(bool gzip)
    {
        var (store, writer, time) = NewStore();
        var part = PublishCounts(store, time, 1).Parts[StreamStatsCollector.Label];
        var body = await writer.PrepareAsync(openMetrics: false, gzip, CancellationToken.None);
        var before = body.Segments.Select(s => s.ToArray()).ToList();
        var partText = part.Text.Joined();

        // Many refreshes replace the part while the scrape is still being written: its bytes must not change.
        for (var i = 2; i < 40; i++) PublishCounts(store, time, i);
        Assert.Equal(before, body.Segments.Select(s => s.ToArray()));
        Assert.Equal(partText, part.Text.Joined());

        body.Dispose();
        Assert.Throws<ObjectDisposedException>(() => part.Text);
        body.Dispose(); // twice is harmless: each reference is given back once
        using var next = await writer.PrepareAsync(openMetrics: false, gzip: false, CancellationToken.None);
        Assert.Equal(Enumerable.Repeat(39L, 50), Counts(Text(next)));
    }

    [Fact]
    public async Task A_scrape_body_read_after_it_was_disposed_throws_once_its_part_went_back_to_the_pool()
    {
        var (store, writer, time) = NewStore();
        PublishCounts(store, time, 1);
        var body = await writer.PrepareAsync(openMetrics: false, gzip: false, CancellationToken.None);
        // The stream_stats part comes first: the only fresh collector, before the info part.
        var segment = body.Segments[0];
        Assert.StartsWith("# HELP cirrus_stream_objects ", System.Text.Encoding.UTF8.GetString(segment.Span));

        PublishCounts(store, time, 2);
        body.Dispose();
        Assert.Throws<ObjectDisposedException>(() => segment.Span[0]);
    }

    [Fact]
    public async Task Scrapes_racing_refreshes_always_see_one_whole_refresh()
    {
        var (store, writer, time) = NewStore();
        PublishCounts(store, time, 0);
        using var stop = new CancellationTokenSource();
        const int Refreshes = 3000;
        var publisher = Task.Run(() =>
        {
            for (var i = 1; i <= Refreshes; i++) PublishCounts(store, time, i);
        });
        var scrapes = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!publisher.IsCompleted)
            {
                using var body = await writer.PrepareAsync(openMetrics: false, gzip: false, CancellationToken.None);
                var first = Text(body);
                // Read again later, as a slow client would: still the same bytes, and all from one refresh.
                await Task.Yield();
                Assert.Equal(first, Text(body));
                var counts = Counts(first);
                Assert.Equal(50, counts.Length);
                Assert.Single(counts.Distinct());
                Interlocked.Increment(ref scrapes);
            }
        })).ToList();
        await Task.WhenAll(readers.Append(publisher));
        Assert.True(scrapes > 0);
        using var last = await writer.PrepareAsync(openMetrics: false, gzip: false, CancellationToken.None);
        Assert.Equal(Enumerable.Repeat((long)Refreshes, 50), Counts(Text(last)));
    }
}
