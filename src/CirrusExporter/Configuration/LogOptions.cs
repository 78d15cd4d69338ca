using Serilog.Events;

namespace CirrusExporter.Configuration;

/// <summary>The "Log" section. Logs go to stderr, so --once can print the exposition on stdout.</summary>
public sealed class LogOptions
{
    public const string Section = "Log";

    /// <summary>Console (readable) or Json (one compact JSON object per line).</summary>
    public LogFormat Format { get; set; } = LogFormat.Console;

    /// <summary>Debug shows one line per collector refresh.</summary>
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;
}

public enum LogFormat
{
    Console,
    Json,
}
