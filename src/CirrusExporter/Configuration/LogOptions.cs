using Serilog.Events;

namespace CirrusExporter.Configuration;

/// <summary>The "Log" section. Logs go to stderr, so --once can print the exposition on stdout.</summary>
public sealed class LogOptions
{
    public const string Section = "Log";

    [KeyDoc("`Console` (one readable line per event) or `Json` (one compact JSON object per line, for log shippers). Logs go to stderr.", Readme = "`Json` for one JSON object per line")]
    public LogFormat Format { get; set; } = LogFormat.Console;

    [KeyDoc("`Verbose`, `Debug`, `Information`, `Warning`, `Error` or `Fatal`. `Debug` adds one line per collector refresh.", Readme = "`Debug` logs every refresh")]
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;
}

public enum LogFormat
{
    Console,
    Json,
}
