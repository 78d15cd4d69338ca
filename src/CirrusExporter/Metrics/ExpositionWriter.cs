using System.Buffers;
using System.Globalization;
using System.Text;

namespace CirrusExporter.Metrics;

/// <summary>
/// Writes the families the exporter renders itself straight to UTF-8 bytes. Gauges and histograms read
/// the same in the Prometheus text format 0.0.4 and OpenMetrics 1.0 (the OpenMetrics-only <c># UNIT</c>
/// line is a comment to text 0.0.4 parsers); counters do not: OpenMetrics names the family without
/// <c>_total</c>, so a writer with <paramref name="openMetrics"/> set writes them that way, and
/// <see cref="WroteCounter"/> tells whether a part needs that second rendering. Every <c>cirrus_*</c> sample
/// carries <paramref name="tenant"/> as its first label (<see cref="MetricCatalogue.TenantLabel"/>).
/// </summary>
public sealed class ExpositionWriter(IBufferWriter<byte> output, string tenant, bool openMetrics = false)
{
    /// <summary>Whether a counter family was written: its text differs between the two formats.</summary>
    public bool WroteCounter { get; private set; }

    /// <summary>Base units a family name may end in; OpenMetrics declares them with # UNIT.</summary>
    private static readonly string[] Units = ["seconds", "bytes"];

    public void Family(MetricDefinition metric, string help)
    {
        var counter = metric.Type == "counter";
        WroteCounter |= counter;
        var family = openMetrics && counter && metric.Name.EndsWith("_total", StringComparison.Ordinal) ? metric.Name[..^"_total".Length] : metric.Name;
        Raw("# HELP "); Raw(family); Raw(" ");
        Escaped(help, quotes: false);
        Raw("\n# TYPE "); Raw(family); Raw(" "); Raw(metric.Type); Raw("\n");
        if (Unit(metric.Name) is { } unit)
        {
            Raw("# UNIT "); Raw(metric.Name); Raw(" "); Raw(unit); Raw("\n");
        }
    }

    /// <summary>The unit a family name ends in, or null.</summary>
    public static string? Unit(string name) => Array.Find(Units, u => name.EndsWith("_" + u, StringComparison.Ordinal));

    /// <summary>One sample; label values pair with <see cref="MetricDefinition.Labels"/> in order.</summary>
    public void Sample(MetricDefinition metric, double value, params ReadOnlySpan<string> labelValues)
    {
        Raw(metric.Name);
        var withTenant = MetricCatalogue.CarriesTenant(metric);
        if (withTenant || labelValues.Length > 0)
        {
            Raw("{");
            if (withTenant)
            {
                Raw(MetricCatalogue.TenantLabel); Raw("=\"");
                Escaped(tenant, quotes: true);
                Raw("\"");
            }
            for (var i = 0; i < labelValues.Length; i++)
            {
                if (i > 0 || withTenant) Raw(",");
                Raw(metric.Labels[i]); Raw("=\"");
                Escaped(labelValues[i], quotes: true);
                Raw("\"");
            }
            Raw("}");
        }
        Raw(" ");
        if (double.IsNaN(value)) Raw("NaN");
        else if (double.IsPositiveInfinity(value)) Raw("+Inf");
        else if (double.IsNegativeInfinity(value)) Raw("-Inf");
        else
        {
            var span = output.GetSpan(32);
            value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
            output.Advance(written);
        }
        Raw("\n");
    }

    /// <summary>
    /// One histogram series: <paramref name="cumulative"/> counts pair with <see cref="MetricDefinition.Buckets"/>,
    /// then the +Inf bucket (the count), the sum and the count.
    /// </summary>
    public void Histogram(MetricDefinition metric, IReadOnlyList<long> cumulative, double sum, long count, params ReadOnlySpan<string> labelValues)
    {
        var bucket = metric with { Name = metric.Name + "_bucket", Labels = [.. metric.Labels, "le"] };
        string[] values = [.. labelValues, ""];
        for (var i = 0; i < metric.Buckets!.Length; i++)
        {
            values[^1] = metric.Buckets[i].ToString(CultureInfo.InvariantCulture);
            Sample(bucket, cumulative[i], values);
        }
        values[^1] = "+Inf";
        Sample(bucket, count, values);
        Sample(metric with { Name = metric.Name + "_sum" }, sum, labelValues);
        Sample(metric with { Name = metric.Name + "_count" }, count, labelValues);
    }

    /// <summary>Ends the exposition: OpenMetrics requires <c># EOF</c>, exactly once, last; text 0.0.4 has no end marker.</summary>
    public void End()
    {
        if (openMetrics) Raw("# EOF\n");
    }

    private void Raw(string text) => Raw(text.AsSpan());

    /// <summary>Escapes backslash and newline (and double quote in label values), copying runs without escapes whole.</summary>
    private void Escaped(string text, bool quotes)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var escape = ch switch { '\\' => "\\\\", '\n' => "\\n", '"' when quotes => "\\\"", _ => null };
            if (escape is null) continue;
            Raw(text.AsSpan(start, i - start));
            Raw(escape);
            start = i + 1;
        }
        Raw(text.AsSpan(start));
    }

    private void Raw(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
