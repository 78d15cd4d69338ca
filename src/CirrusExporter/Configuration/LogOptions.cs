using Serilog.Events;

namespace CirrusExporter.Configuration;

/// <summary>The "Log" section. Logs go to stderr, so --once can print the exposition on stdout.</summary>
public sealed class LogOptions
{
    public const string Section = "Log";

    [KeyDoc("`Console` (one readable line per event; flag `--log.format=logfmt`) or `Json` (one JSON object per line "
        + "with `time`, `level`, `msg` and the event's fields, for log shippers; `--log.format=json`). Logs go to "
        + "stderr.",
        Readme = "`Json` for one JSON object per line")]
    public LogFormat Format { get; set; } = LogFormat.Console;

    [KeyDoc("`Verbose`, `Debug`, `Information`, `Warning`, `Error` or `Fatal` (flag `--log.level` with `debug`, "
        + "`info`, `warn` or `error`). `Debug` adds one line per collector refresh. The start and shutdown lines are "
        + "written at every level.",
        Readme = "`Debug` logs every refresh")]
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;
}

public enum LogFormat
{
    Console,
    Json,
}
