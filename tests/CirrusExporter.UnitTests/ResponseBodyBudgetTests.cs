using CirrusExporter.Configuration;
using CirrusExporter.Http;
using Microsoft.Extensions.Options;

namespace CirrusExporter.UnitTests;

public sealed class ResponseBodyBudgetTests
{
    private static ResponseBodyBudget Budget(long capacity) =>
        new(Options.Create(new CirrusOptions { Http = { MaxBufferedResponseBytes = capacity } }));

    [Fact]
    public void Reservations_beyond_the_capacity_are_refused_until_released()
    {
        var budget = Budget(100);

        Assert.True(budget.TryReserve(60));
        Assert.False(budget.TryReserve(41));
        Assert.True(budget.TryReserve(40));
        Assert.Equal(100, budget.InUse);
        Assert.False(budget.TryReserve(1));

        budget.Release(60);
        Assert.True(budget.TryReserve(41));
        Assert.Equal(81, budget.InUse);
    }

    [Fact]
    public void Concurrent_reservations_never_exceed_the_capacity()
    {
        var budget = Budget(1000);
        var granted = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (budget.TryReserve(7)) Interlocked.Increment(ref granted);
        });

        Assert.Equal(1000 / 7, granted);
        Assert.Equal(granted * 7, budget.InUse);
    }
}
