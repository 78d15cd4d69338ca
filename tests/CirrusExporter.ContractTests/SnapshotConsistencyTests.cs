using System.Collections.Concurrent;
using CirrusExporter.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace CirrusExporter.ContractTests;

/// <summary>Many scrapes while refreshes swap snapshots: no scrape may mix two refreshes.</summary>
public sealed class SnapshotConsistencyTests : IDisposable
{
    private const int Streams = 60;
    private readonly Upstream _api = new();
    private int _generation;

    public void Dispose() => _api.Dispose();

    /// <summary>Every count in one response carries the same generation number.</summary>
    private WireMock.ResponseMessage Generation(int g, bool sla)
    {
        var rows = string.Join(",", Enumerable.Range(1, Streams)
            .Select(s => $$"""{"moduleId":9,"streamId":{{s}},"subStreamId":0,"statusId":1,"c":{{g}}}"""));
        var data = sla ? $$"""{"Item1":[{{rows}}],"Item2":[{{rows}}]}""" : $"[{rows}]";
        return new WireMock.ResponseMessage
        {
            StatusCode = 200,
            BodyData = new BodyData { BodyAsString = Upstream.Envelope(data), DetectedBodyType = BodyType.String },
        };
    }

    [Fact]
    public async Task Parallel_scrapes_during_refreshes_always_see_one_whole_refresh()
    {
        _api.Server.Given(Request.Create().WithPath("/stats/streams").UsingGet())
            .RespondWith(Response.Create()
                .WithCallback(_ => Generation(Interlocked.Increment(ref _generation), sla: false)));
        _api.Server.Given(Request.Create().WithPath("/stats/streamsSLAExceptions").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => Generation(Volatile.Read(ref _generation), sla: true)));
        await using var exporter = TestExporter.Start(_api.Url, new Dictionary<string, string?>
        {
            ["Cirrus:Collectors:Availability:Enabled"] = "false",
            ["Cirrus:Collectors:Objects:Enabled"] = "false",
        });
        Assert.True(await exporter.RefreshAllAsync());

        using var stop = new CancellationTokenSource();
        var refresher = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                Assert.True(await exporter.RefreshAsync("stream_stats"));
                Assert.True(await exporter.RefreshAsync("sla_exceptions"));
            }
            await stop.CancelAsync();
        });

        var seen = new ConcurrentBag<int>();
        var scrapers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var last = 0.0;
            var scrapes = 0;
            while (!stop.IsCancellationRequested || scrapes == 0)
            {
                var metrics = await exporter.ScrapeAsync();
                scrapes++;
                foreach (var family in new[] { "cirrus_stream_objects", "cirrus_stream_sla_exception_objects",
                    "cirrus_stream_sla_critical_objects" })
                {
                    var values = metrics.Family(family).Values.Distinct().ToList();
                    Assert.True(values.Count == 1, $"{family} mixes refreshes: {string.Join(",", values)}");
                    Assert.Equal(Streams, metrics.Family(family).Count);
                }
                var generation = metrics.Family("cirrus_stream_objects").Values.First();
                Assert.True(generation >= last, $"went back from generation {last} to {generation}");
                last = generation;
                seen.Add((int)generation);
            }
            return scrapes;
        })).ToList();

        await refresher;
        var counts = await Task.WhenAll(scrapers);
        Assert.All(counts, c => Assert.True(c > 0));
        // The scrapes really did run across many refreshes, not against one snapshot.
        Assert.True(seen.Distinct().Count() > 5, $"only saw generations {string.Join(",", seen.Distinct())}");
    }
}
