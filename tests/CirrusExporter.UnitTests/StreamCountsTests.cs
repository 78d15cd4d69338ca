using CirrusExporter.Collectors.StreamStats;

namespace CirrusExporter.UnitTests;

/// <summary>The rolling sweep: every stream once in SweepEvery refreshes, and each refresh only its share.</summary>
public sealed class StreamCountsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(7)]
    public void Every_stream_is_swept_once_in_sweep_every_refreshes_and_each_refresh_sweeps_a_share(int sweepEvery)
    {
        var ids = Enumerable.Range(0, 2000).Select(i => 11_345L + (i * 37L)).ToList();
        for (var start = 0L; start < 3 * sweepEvery; start += sweepEvery)
        {
            var window = Enumerable.Range(0, sweepEvery)
                .Select(r => ids.Where(id => StreamCounts.Swept(id, start + r, sweepEvery)).ToList()).ToList();
            Assert.All(ids, id => Assert.Equal(1, window.Count(swept => swept.Contains(id))));
            // ids spaced 37 apart fall evenly on the residues: no refresh sweeps more than its share and one.
            var share = ids.Count / sweepEvery;
            Assert.All(window, swept => Assert.InRange(swept.Count, share - 1, share + 1));
        }
    }
}
