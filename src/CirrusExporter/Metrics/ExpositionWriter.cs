using System.Buffers;
using System.Globalization;
using System.Text;

namespace CirrusExporter.Metrics;

/// <summary>
/// Writes the families the exporter renders itself straight to UTF-8 bytes. Gauges and histograms read
/// the same in the Prometheus text format 0.0.4 and OpenMetrics 1.0 (the OpenMetrics-only <c># UNIT</c>
/// line is a comment to text 0.0.4 parsers); counters do not: OpenMetrics names the family without
/// <c>_total</c>, so a writer with <paramref name="openMetrics"/> set writes them that way, and
/// <see cref="CopyAsText"/> puts the suffix back to make text 0.0.4 of the same bytes. Every <c>cirrus_*</c> sample
/// carries <paramref name="tenant"/> as its first label (<see cref="MetricCatalogue.TenantLabel"/>).
/// </summary>
public sealed class ExpositionWriter(IBufferWriter<byte> output, string tenant, bool openMetrics = false)
{
    private static ReadOnlySpan<byte> Total => "_total"u8;

    /// <summary>Bytes written so far.</summary>
    private int _written;

    /// <summary>
    /// Where a counter family's name was written without its <c>_total</c> (OpenMetrics only), in bytes written.
    /// </summary>
    private readonly List<int> _totalsDropped = [];

    /// <summary>
    /// Whether the text 0.0.4 of what was written differs: a counter family was named without <c>_total</c>.
    /// </summary>
    public bool DiffersAsText => _totalsDropped.Count > 0;

    /// <summary>
    /// Copies <paramref name="written"/> (the bytes this OpenMetrics writer wrote) to <paramref name="text"/> as
    /// text 0.0.4, with <c>_total</c> back in the counter family names: a part is rendered once for both formats.
    /// </summary>
    public void CopyAsText(ReadOnlySpan<byte> written, IBufferWriter<byte> text)
    {
        var start = 0;
        foreach (var at in _totalsDropped)
        {
            text.Write(written[start..at]);
            text.Write(Total);
            start = at;
        }
        text.Write(written[start..]);
    }

    /// <summary>Base units a family name may end in; OpenMetrics declares them with # UNIT.</summary>
    private static readonly string[] Units = ["seconds", "bytes"];

    public void Family(MetricDefinition metric, string help)
    {
        var dropTotal = openMetrics && metric.Type == "counter"
            && metric.Name.EndsWith("_total", StringComparison.Ordinal);
        var family = dropTotal ? metric.Name[..^"_total".Length] : metric.Name;
        Raw("# HELP "); Raw(family);
        if (dropTotal) _totalsDropped.Add(_written);
        Raw(" ");
        Escaped(help, quotes: false);
        Raw("\n# TYPE "); Raw(family);
        if (dropTotal) _totalsDropped.Add(_written);
        Raw(" "); Raw(metric.Type); Raw("\n");
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
        if (double.IsNaN(value))
        {
            Raw("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            Raw("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            Raw("-Inf");
        }
        else
        {
            var span = output.GetSpan(32);
            value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
            output.Advance(written);
            _written += written;
        }
        Raw("\n");
    }

    /// <summary>
    /// One histogram series: its cumulative counts pair with <see cref="MetricDefinition.Buckets"/>,
    /// then the +Inf bucket (the count), the sum and the count.
    /// </summary>
    public void Histogram(MetricDefinition metric, HistogramSnapshot histogram, params ReadOnlySpan<string> labelValues)
    {
        var (cumulative, sum, count) = (histogram.Cumulative, histogram.Sum, histogram.Count);
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

    /// <summary>
    /// Ends the exposition: OpenMetrics requires <c># EOF</c>, exactly once, last; text 0.0.4 has no end marker.
    /// </summary>
    public void End()
    {
        if (openMetrics) Raw("# EOF\n");
    }

    private void Raw(string text) => Raw(text.AsSpan());

    /// <summary>
    /// Escapes backslash and newline (and double quote in label values), copying runs without escapes whole.
    /// </summary>
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
        var written = Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
        _written += written;
    }
}
