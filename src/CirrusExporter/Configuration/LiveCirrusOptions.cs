using Microsoft.Extensions.Options;

namespace CirrusExporter.Configuration;

/// <summary>
/// The Cirrus options in force: bound and validated at start, replaced as a whole by a successful reload. Registered as
/// <see cref="IOptions{CirrusOptions}"/>, so whatever reads <see cref="Value"/> at each refresh follows a reload; what
/// keeps them longer (the scheduler's timers, the snapshot's renderer) listens to <see cref="Changed"/>.
/// </summary>
public sealed class LiveCirrusOptions(IOptionsFactory<CirrusOptions> factory) : IOptions<CirrusOptions>
{
    private readonly Lazy<CirrusOptions> _initial = new(() => factory.Create(Options.DefaultName));
    private CirrusOptions? _reloaded;
    private CancellationTokenSource _changed = new();

    public CirrusOptions Value => Volatile.Read(ref _reloaded) ?? _initial.Value;

    /// <summary>Cancelled when the options are replaced.</summary>
    public CancellationToken Changed => Volatile.Read(ref _changed).Token;

    public void Replace(CirrusOptions options)
    {
        Volatile.Write(ref _reloaded, options);
        Interlocked.Exchange(ref _changed, new CancellationTokenSource()).Cancel();
    }
}
