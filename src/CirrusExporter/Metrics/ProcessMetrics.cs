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
        _collections = factory.CreateCounter("dotnet_collection_count_total", "GC collection count", ["generation"]);
        using (var process = Process.GetCurrentProcess())
            factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
                .Set(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        _cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        _virtual = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        _workingSet = factory.CreateGauge("process_working_set_bytes", "Process working set");
        _private = factory.CreateGauge("process_private_memory_bytes", "Process private memory size");
        _handles = factory.CreateGauge("process_open_handles", "Number of open handles");
        _threads = factory.CreateGauge("process_num_threads", "Total number of threads");
        _managed = factory.CreateGauge("dotnet_total_memory_bytes", "Total known allocated memory");
    }

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
