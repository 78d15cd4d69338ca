using CirrusExporter.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CirrusExporter.UnitTests;

public sealed class QuietMemoryTrimTests
{
    private const long MiB = 1 << 20;

    private readonly FakeTimeProvider _time = new();
    private long _collections;
    private long _committed = 60 * MiB;
    private long _allocated;
    /// <summary>What an aggressive collection leaves committed.</summary>
    private long _left = 50 * MiB;
    private int _trims;
    private TaskCompletionSource _collected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QuietMemoryTrim _trim;

    public QuietMemoryTrimTests()
    {
        _trim = new QuietMemoryTrim(_time, NullLogger<QuietMemoryTrim>.Instance)
        {
            Collector = new(
                () => new(_collections, _committed, _allocated),
                () =>
                {
                    _trims++;
                    _collections++;
                    _committed = _left;
                    _collected.TrySetResult();
                }),
        };
    }

    /// <summary>Advances the clock by one check interval, allocating (and collecting) meanwhile, then checks.</summary>
    private bool Step(long allocate = 0, long? collectedTo = null)
    {
        _allocated += allocate;
        if (collectedTo is { } committed)
        {
            _collections++;
            _committed = committed;
        }
        _time.Advance(QuietMemoryTrim.CheckEvery);
        return _trim.Check();
    }

    /// <summary>Start-up: the first quiet period collects and sets the floor at what that left (50 MiB).</summary>
    private void Settle()
    {
        Step();
        Step();
        Step();
        Assert.True(Step());
        Assert.Equal(50 * MiB, _committed);
        _trims = 0;
        _collected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Fact]
    public void Collects_once_when_the_process_first_goes_quiet_after_start_up()
    {
        Step(allocate: 200 * MiB, collectedTo: 60 * MiB);
        Assert.False(Step());
        Assert.False(Step());
        Assert.True(Step());
        for (var i = 0; i < 30; i++) Assert.False(Step(allocate: MiB / 4));
        Assert.Equal(1, _trims);
    }

    [Fact]
    public void Collects_once_after_a_burst_that_no_collection_followed()
    {
        Settle();
        Assert.False(Step(allocate: 40 * MiB));          // a burst, within the GC's budget: no collection of its own
        Assert.False(Step());
        Assert.False(Step());                            // 20 s quiet
        Assert.True(Step());                             // 30 s quiet: collected
        for (var i = 0; i < 30; i++) Assert.False(Step(allocate: MiB / 4));   // five quiet minutes, little allocated
        Assert.Equal(1, _trims);
    }

    [Fact]
    public void Collects_when_a_collection_during_the_burst_kept_what_it_grew_and_waits_for_quiet_after_it()
    {
        Settle();
        Assert.False(Step(allocate: 10 * MiB));
        Assert.False(Step(collectedTo: 70 * MiB));       // the runtime collected at the peak: quiet starts again
        Assert.False(Step());
        Assert.False(Step());                            // 30 s since the burst, 20 s since that collection
        Assert.True(Step());                             // 30 s after it
        Assert.Equal(1, _trims);
    }

    [Fact]
    public void Leaves_a_process_alone_while_the_runtime_collects_on_its_own()
    {
        for (var i = 0; i < 60; i++) Assert.False(Step(allocate: 100 * MiB, collectedTo: (100 + i % 3 * 40) * MiB));
        Assert.Equal(0, _trims);
    }

    [Fact]
    public void Leaves_a_process_alone_while_it_keeps_allocating_and_collects_once_it_stops()
    {
        Settle();
        // 2 MiB every 10 s and no collection of its own for ten minutes: at work, not quiet.
        for (var i = 0; i < 60; i++) Assert.False(Step(allocate: 2 * MiB));
        Assert.False(Step());
        Assert.False(Step());
        Assert.True(Step());
        Assert.Equal(1, _trims);
    }

    [Fact]
    public void Leaves_a_quiet_process_alone_until_it_holds_the_minimum_growth()
    {
        Settle();
        for (var i = 0; i < 64; i++) Assert.False(Step(allocate: (QuietMemoryTrim.GrowthBytes - MiB / 2) / 64));
        Assert.Equal(0, _trims);
        Assert.True(Step(allocate: MiB / 2));
    }

    [Fact]
    public void Does_not_ask_again_for_what_a_collection_could_not_give_back()
    {
        Settle();
        _left = 85 * MiB;                                // e.g. blocks a pool still holds
        Step(allocate: 40 * MiB);
        Step();
        Step();
        Assert.True(Step());                             // 90 MiB held against 50: collected, 85 left
        for (var i = 0; i < 30; i++) Assert.False(Step());
        Assert.False(Step(allocate: 15 * MiB));
        Assert.False(Step(collectedTo: 100 * MiB));      // a collection of its own, 15 MiB over what the last one left
        for (var i = 0; i < 5; i++) Assert.False(Step());
        Assert.False(Step(allocate: MiB / 2));
        Assert.True(Step(allocate: MiB / 2));            // 16 MiB over it
        Assert.Equal(2, _trims);
    }

    [Fact]
    public void A_collection_that_needed_less_lowers_the_floor()
    {
        Settle();                                        // floor 50 MiB
        Step(collectedTo: 40 * MiB);                     // the GC gave memory back by itself: floor 40 MiB
        Step(collectedTo: 57 * MiB);                     // 17 MiB over it
        Step();
        Step();
        Assert.True(Step());
    }

    [Fact]
    public void The_runtime_collection_is_one_the_runtime_accepts_and_reports()
    {
        // Aggressive mode throws unless blocking and compacting; the GC's report must show it ran.
        var before = QuietMemoryTrim.Gc.Runtime.Read();
        QuietMemoryTrim.Gc.Runtime.CollectAggressively();
        var after = QuietMemoryTrim.Gc.Runtime.Read();
        Assert.True(after.Collections > before.Collections, $"{before.Collections} -> {after.Collections}");
        Assert.True(after.CommittedBytes > 0 && after.AllocatedBytes >= before.AllocatedBytes,
            $"committed {after.CommittedBytes}, allocated {after.AllocatedBytes}");
    }

    [Fact]
    public async Task The_exporter_runs_it_and_its_timer_checks_on_the_clock_it_is_given()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddCirrusExporter();
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType == typeof(QuietMemoryTrim));

        // The background loop: each tick of the clock given is one check. ExecuteAsync may start after
        // StartAsync returns, so the clock moves until the collection comes, within a bound of real time.
        Settle();
        _allocated += 40 * MiB;
        await _trim.StartAsync(CancellationToken.None);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!_collected.Task.IsCompleted && !bound.IsCancellationRequested)
        {
            _time.Advance(QuietMemoryTrim.CheckEvery);
            await Task.WhenAny(_collected.Task, Task.Delay(20));
        }
        await _trim.StopAsync(CancellationToken.None);
        Assert.Equal(1, _trims);
    }
}
