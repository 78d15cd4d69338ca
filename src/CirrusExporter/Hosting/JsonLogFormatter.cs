using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace CirrusExporter.Hosting;

/// <summary>
/// One JSON object per event, shaped as other exporters' JSON logs (promslog): <c>time</c>, <c>level</c>
/// (debug, info, warn, error), the rendered <c>msg</c>, then the event's fields and <c>error</c> for an exception.
/// </summary>
public sealed class JsonLogFormatter : ITextFormatter
{
    private static readonly string[] Reserved = ["time", "level", "msg", "error"];
    private readonly JsonValueFormatter _values = new(typeTagName: null);

    public void Format(LogEvent e, TextWriter output)
    {
        output.Write("{\"time\":\"");
        output.Write(e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ",
            System.Globalization.CultureInfo.InvariantCulture));
        output.Write("\",\"level\":\"");
        output.Write(Level(e.Level));
        output.Write("\",\"msg\":");
        JsonValueFormatter.WriteQuotedJsonString(Render(e), output);
        foreach (var (name, value) in e.Properties)
        {
            if (Reserved.Contains(name)) continue;
            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name, output);
            output.Write(':');
            _values.Format(value, output);
        }
        if (e.Exception is not null)
        {
            output.Write(",\"error\":");
            JsonValueFormatter.WriteQuotedJsonString(e.Exception.ToString(), output);
        }
        output.Write("}\n");
    }

    /// <summary>The message with string values as they are, not quoted (as the console's {Message:lj}).</summary>
    private static string Render(LogEvent e)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var token in e.MessageTemplate.Tokens)
        {
            if (token is PropertyToken p && e.Properties.TryGetValue(p.PropertyName, out var value)
                && value is ScalarValue { Value: string s })
            {
                text.Write(s);
            }
            else
            {
                token.Render(e.Properties, text, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return text.ToString();
    }

    public static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        _ => "error",
    };
}
