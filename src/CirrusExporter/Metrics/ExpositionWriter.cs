using System.Globalization;
using System.Text;

namespace CirrusExporter.Metrics;

/// <summary>Writes Prometheus text format 0.0.4 for the families the exporter renders itself.</summary>
public sealed class ExpositionWriter(StringBuilder sb)
{
    public void Family(MetricDefinition metric, string help)
    {
        sb.Append("# HELP ").Append(metric.Name).Append(' ');
        foreach (var ch in help)
        {
            if (ch == '\\') sb.Append("\\\\");
            else if (ch == '\n') sb.Append("\\n");
            else sb.Append(ch);
        }
        sb.Append('\n').Append("# TYPE ").Append(metric.Name).Append(' ').Append(metric.Type).Append('\n');
    }

    /// <summary>One sample; label values pair with <see cref="MetricDefinition.Labels"/> in order.</summary>
    public void Sample(MetricDefinition metric, double value, params ReadOnlySpan<string> labelValues)
    {
        sb.Append(metric.Name);
        if (labelValues.Length > 0)
        {
            sb.Append('{');
            for (var i = 0; i < labelValues.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(metric.Labels[i]).Append("=\"");
                foreach (var ch in labelValues[i])
                {
                    if (ch == '\\') sb.Append("\\\\");
                    else if (ch == '"') sb.Append("\\\"");
                    else if (ch == '\n') sb.Append("\\n");
                    else sb.Append(ch);
                }
                sb.Append('"');
            }
            sb.Append('}');
        }
        sb.Append(' ');
        if (double.IsNaN(value)) sb.Append("NaN");
        else if (double.IsPositiveInfinity(value)) sb.Append("+Inf");
        else if (double.IsNegativeInfinity(value)) sb.Append("-Inf");
        else sb.Append(value.ToString("R", CultureInfo.InvariantCulture));
        sb.Append('\n');
    }
}
