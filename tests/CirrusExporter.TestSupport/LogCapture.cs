using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace CirrusExporter.TestSupport;

/// <summary>Collects every log event the exporter writes, rendered with its exception text.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => _events.ToList();

    public IReadOnlyList<string> Lines =>
        _events.Select(e => $"{e.Level} {e.RenderMessage()} {e.Exception}").ToList();

    public IReadOnlyList<string> AtLeast(LogEventLevel level) =>
        _events.Where(e => e.Level >= level).Select(
            e => $"[{e.Properties.GetValueOrDefault("SourceContext")}] {e.RenderMessage()} {e.Exception}").ToList();
}
