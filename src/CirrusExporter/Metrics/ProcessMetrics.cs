using System.Diagnostics;
using System.Globalization;

namespace CirrusExporter.Metrics;

/// <summary>
/// The process_* and dotnet_* runtime families of prometheus-net's DotNetStats (same names, types and help),
/// read cheaply at each scrape. DotNetStats refreshes System.Diagnostics.Process on every scrape, and its memory,
/// handle and thread properties each re-read /proc, which costs more CPU than serving a small tenant's whole
/// exposition (docs/performance.md). Here one read of /proc/self/status gives memory and threads,
/// and the open-handle count (a walk of /proc/self/fd) is refreshed at most once a second.
/// </summary>
internal sealed class ProcessMetrics
{
    private const string StatusFile = "/proc/self/status";
    private const string FdDirectory = "/proc/self/fd";
    private const long HandleCountMaxAgeMs = 1000;

    private readonly double _startTime;
    private readonly bool _procfs = File.Exists(StatusFile) && Directory.Exists(FdDirectory);
    private long _handlesCountedAt = -HandleCountMaxAgeMs;
    private long _handles;

    public ProcessMetrics()
    {
        using var process = Process.GetCurrentProcess();
        _startTime = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }

    /// <summary>Reads the current values and writes the families, in DotNetStats' order.</summary>
    public void Write(ExpositionWriter w)
    {
        var r = MetricCatalogue.Runtime.GcCollections;
        w.Family(r, r.Description);
        for (var gen = 0; gen <= GC.MaxGeneration; gen++)
            w.Sample(r, GC.CollectionCount(gen), gen.ToString(CultureInfo.InvariantCulture));
        Gauge(w, MetricCatalogue.Runtime.StartTime, _startTime);
        Gauge(w, MetricCatalogue.Runtime.Cpu, Environment.CpuUsage.TotalTime.TotalSeconds);
        var (virtualBytes, workingSet, privateBytes, handles, threads) = _procfs ? FromProcfs() : FromProcess();
        Gauge(w, MetricCatalogue.Runtime.VirtualMemory, virtualBytes);
        Gauge(w, MetricCatalogue.Runtime.WorkingSet, workingSet);
        // The name every dashboard expects for resident memory: the same reading (VmRSS) under its standard name.
        Gauge(w, MetricCatalogue.ProcessResidentMemory, workingSet);
        Gauge(w, MetricCatalogue.Runtime.PrivateMemory, privateBytes);
        Gauge(w, MetricCatalogue.Runtime.OpenHandles, handles);
        Gauge(w, MetricCatalogue.Runtime.Threads, threads);
        Gauge(w, MetricCatalogue.Runtime.ManagedMemory, GC.GetTotalMemory(false));
    }

    /// <summary>A family with one unlabelled sample (a gauge, or a counter read from its source).</summary>
    private static void Gauge(ExpositionWriter w, MetricDefinition m, double value)
    {
        w.Family(m, m.Description);
        w.Sample(m, value);
    }

    private (double Virtual, double WorkingSet, double Private, double Handles, double Threads) FromProcfs()
    {
        double virtualBytes = 0, workingSet = 0, privateBytes = 0, threads = 0;
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("VmSize:", StringComparison.Ordinal)) virtualBytes = Kilobytes(line);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) workingSet = Kilobytes(line);
            else if (line.StartsWith("VmData:", StringComparison.Ordinal)) privateBytes = Kilobytes(line);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = long.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
        }
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _handlesCountedAt) >= HandleCountMaxAgeMs)
        {
            Interlocked.Exchange(ref _handlesCountedAt, now);
            // Minus one: the enumeration's own descriptor.
            Interlocked.Exchange(ref _handles,
                Math.Max(0, Directory.EnumerateFileSystemEntries(FdDirectory).Count() - 1));
        }
        return (virtualBytes, workingSet, privateBytes, Interlocked.Read(ref _handles), threads);
    }

    /// <summary>"VmRSS:\t   45560 kB" in bytes.</summary>
    private static double Kilobytes(string line)
    {
        var value = line.AsSpan(line.IndexOf(':') + 1).Trim();
        if (value.EndsWith("kB", StringComparison.Ordinal)) value = value[..^2].TrimEnd();
        return long.Parse(value, CultureInfo.InvariantCulture) * 1024.0;
    }

    /// <summary>Where there is no procfs (macOS, Windows): the Process API, as DotNetStats does.</summary>
    private static (double, double, double, double, double) FromProcess()
    {
        using var process = Process.GetCurrentProcess();
        return (process.VirtualMemorySize64, process.WorkingSet64, process.PrivateMemorySize64, process.HandleCount,
            process.Threads.Count);
    }
}
