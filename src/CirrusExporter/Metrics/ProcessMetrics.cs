using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace CirrusExporter.Metrics;

/// <summary>
/// The process_* and dotnet_* runtime families of prometheus-net's DotNetStats (same names, types and help),
/// read cheaply. DotNetStats refreshes System.Diagnostics.Process on every scrape, and its memory, handle and
/// thread properties each re-read /proc: about 3.5 ms of CPU per scrape, fifty times the cost of serving a
/// small tenant's exposition (docs/performance.md). Here one read of /proc/self/status gives memory and
/// threads, and the open-handle count (a walk of /proc/self/fd) is refreshed at most once a second.
/// </summary>
internal sealed class ProcessMetrics
{
    private const string StatusFile = "/proc/self/status";
    private const string FdDirectory = "/proc/self/fd";
    private const long HandleCountMaxAgeMs = 1000;

    private readonly Counter _collections;
    private readonly Counter _cpu;
    private readonly Gauge _virtual;
    private readonly Gauge _workingSet;
    private readonly Gauge _private;
    private readonly Gauge _handles;
    private readonly Gauge _threads;
    private readonly Gauge _managed;
    private readonly bool _procfs = File.Exists(StatusFile) && Directory.Exists(FdDirectory);
    private long _handlesCountedAt = -HandleCountMaxAgeMs;

    public ProcessMetrics(IMetricFactory factory)
    {
        _collections = Counter(factory, MetricCatalogue.Runtime.GcCollections);
        using (var process = Process.GetCurrentProcess())
            Gauge(factory, MetricCatalogue.Runtime.StartTime)
                .Set(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        _cpu = Counter(factory, MetricCatalogue.Runtime.Cpu);
        _virtual = Gauge(factory, MetricCatalogue.Runtime.VirtualMemory);
        _workingSet = Gauge(factory, MetricCatalogue.Runtime.WorkingSet);
        _private = Gauge(factory, MetricCatalogue.Runtime.PrivateMemory);
        _handles = Gauge(factory, MetricCatalogue.Runtime.OpenHandles);
        _threads = Gauge(factory, MetricCatalogue.Runtime.Threads);
        _managed = Gauge(factory, MetricCatalogue.Runtime.ManagedMemory);
    }

    private static Counter Counter(IMetricFactory factory, MetricDefinition m) => factory.CreateCounter(m.Name, m.Description, m.Labels);

    private static Gauge Gauge(IMetricFactory factory, MetricDefinition m) => factory.CreateGauge(m.Name, m.Description, m.Labels);

    /// <summary>Reads the current values; called before every collection of the registry.</summary>
    public void Update()
    {
        for (var gen = 0; gen <= GC.MaxGeneration; gen++)
            _collections.WithLabels(gen.ToString(CultureInfo.InvariantCulture)).IncTo(GC.CollectionCount(gen));
        _cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
        _managed.Set(GC.GetTotalMemory(false));
        if (_procfs) UpdateFromProcfs();
        else UpdateFromProcess();
    }

    private void UpdateFromProcfs()
    {
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("VmSize:", StringComparison.Ordinal)) _virtual.Set(Kilobytes(line));
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) _workingSet.Set(Kilobytes(line));
            else if (line.StartsWith("VmData:", StringComparison.Ordinal)) _private.Set(Kilobytes(line));
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) _threads.Set(long.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture));
        }
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _handlesCountedAt) < HandleCountMaxAgeMs) return;
        Interlocked.Exchange(ref _handlesCountedAt, now);
        // Minus one: the enumeration's own descriptor.
        _handles.Set(Math.Max(0, Directory.EnumerateFileSystemEntries(FdDirectory).Count() - 1));
    }

    /// <summary>"VmRSS:\t   45560 kB" in bytes.</summary>
    private static double Kilobytes(string line)
    {
        var value = line.AsSpan(line.IndexOf(':') + 1).Trim();
        if (value.EndsWith("kB", StringComparison.Ordinal)) value = value[..^2].TrimEnd();
        return long.Parse(value, CultureInfo.InvariantCulture) * 1024.0;
    }

    /// <summary>Where there is no procfs (macOS, Windows): the Process API, as DotNetStats does.</summary>
    private void UpdateFromProcess()
    {
        using var process = Process.GetCurrentProcess();
        _virtual.Set(process.VirtualMemorySize64);
        _workingSet.Set(process.WorkingSet64);
        _private.Set(process.PrivateMemorySize64);
        _handles.Set(process.HandleCount);
        _threads.Set(process.Threads.Count);
    }
}
