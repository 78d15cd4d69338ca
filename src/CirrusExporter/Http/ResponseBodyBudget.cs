using CirrusExporter.Configuration;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Http;

/// <summary>
/// The process-wide bound on memory held by response bodies (Cirrus:Http:MaxBufferedResponseBytes).
/// The per-response cap alone let eight parallel oversized bodies take eight times that cap; here every
/// read reserves its buffer before allocating it, and a reservation that does not fit is refused at once
/// rather than waited for, so readers holding part of the budget can never block each other.
/// </summary>
public sealed class ResponseBodyBudget(IOptions<CirrusOptions> options)
{
    private long _inUse;

    public long Capacity { get; } = options.Value.Http.MaxBufferedResponseBytes;

    /// <summary>Bytes reserved by buffers alive now.</summary>
    public long InUse => Interlocked.Read(ref _inUse);

    public bool TryReserve(long bytes)
    {
        while (true)
        {
            var current = Interlocked.Read(ref _inUse);
            if (current + bytes > Capacity) return false;
            if (Interlocked.CompareExchange(ref _inUse, current + bytes, current) == current) return true;
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _inUse, -bytes);
}
