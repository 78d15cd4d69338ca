using System.Buffers;
using System.Text;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Metrics;

namespace CirrusExporter.UnitTests;

public sealed class ExpositionWriterTests
{
    private static readonly MetricDefinition Info = new("x_info", "gauge", ["name", "module"], "d", "s", null);

    private static string Write(Action<ExpositionWriter> write, string tenant = "acme")
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ExpositionWriter(buffer, tenant));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes()
    {
        Assert.Equal("# HELP x_info a \\\\ b\\nc \"d\"\n# TYPE x_info gauge\n",
            Write(w => w.Family(Info, "a \\ b\nc \"d\"")));
    }

    [Fact]
    public void OpenMetrics_copied_as_text_is_what_a_text_writer_writes()
    {
        void Families(ExpositionWriter w)
        {
            w.Family(MetricCatalogue.ApiRequests, "calls \\ attempts");
            w.Sample(MetricCatalogue.ApiRequests, 3, "objects", "200");
            w.Family(MetricCatalogue.Up, "up");
            w.Sample(MetricCatalogue.Up, 1);
            w.Family(MetricCatalogue.ApiRequestDuration, "seconds");
            w.Histogram(MetricCatalogue.ApiRequestDuration, new HistogramSnapshot(
                [.. MetricCatalogue.ApiRequestDuration.Buckets!.Select((_, i) => (long)i)], 1.5, 12), "objects");
            w.Family(MetricCatalogue.RowsIgnored, "rows");
            w.Sample(MetricCatalogue.RowsIgnored, 2, "objects", "shape");
        }
        var buffer = new ArrayBufferWriter<byte>();
        var openMetrics = new ExpositionWriter(buffer, "acme", openMetrics: true);
        Families(openMetrics);
        var text = new ArrayBufferWriter<byte>();
        openMetrics.CopyAsText(buffer.WrittenSpan, text);

        Assert.True(openMetrics.DiffersAsText);
        Assert.Contains("# TYPE cirrus_api_requests counter\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(Write(Families), Encoding.UTF8.GetString(text.WrittenSpan));
        Assert.Contains("# HELP cirrus_rows_ignored_total rows\n# TYPE cirrus_rows_ignored_total counter\n",
            Encoding.UTF8.GetString(text.WrittenSpan));
    }

    [Fact]
    public void Gauges_read_the_same_in_both_formats()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var openMetrics = new ExpositionWriter(buffer, "acme", openMetrics: true);
        openMetrics.Family(MetricCatalogue.Up, "up");
        openMetrics.Sample(MetricCatalogue.Up, 1);

        Assert.False(openMetrics.DiffersAsText);
        Assert.Equal(Write(w => { w.Family(MetricCatalogue.Up, "up"); w.Sample(MetricCatalogue.Up, 1); }),
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_family_whose_name_ends_in_a_base_unit_declares_it_for_OpenMetrics()
    {
        Assert.Equal("# HELP cirrus_collector_duration_seconds d\n# TYPE cirrus_collector_duration_seconds gauge\n# "
            + "UNIT cirrus_collector_duration_seconds seconds\n",
            Write(w => w.Family(MetricCatalogue.CollectorDuration, "d")));
        Assert.DoesNotContain("# UNIT", Write(w => w.Family(MetricCatalogue.Up, "d")));
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        Assert.Equal("x_info{name=\"Web \\\"chat\\\" \\\\ ops\\nline2\",module=\"\"} 1\n",
            Write(w => w.Sample(Info, 1, "Web \"chat\" \\ ops\nline2", "")));
    }

    [Fact]
    public void Label_values_pass_utf8_through()
    {
        Assert.Equal("x_info{name=\"Služba – 客服\",module=\"chat\"} 1\n",
            Write(w => w.Sample(Info, 1, "Služba – 客服", "chat")));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.0, "12")]
    [InlineData(0.1, "0.1")]
    [InlineData(1234567.25, "1234567.25")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_use_the_text_format_spelling(double value, string text)
    {
        Assert.Equal($"cirrus_up{{tenant=\"acme\"}} {text}\n", Write(w => w.Sample(MetricCatalogue.Up, value)));
    }

    [Fact]
    public void Labels_follow_the_tenant_then_the_definition_order()
    {
        Assert.Equal("cirrus_stream_objects{tenant=\"acme\",stream_id=\"7\",sub_stream_id=\"0\",module=\"chat\","
            + "status=\"open\"} 41\n",
            Write(w => w.Sample(StreamStatsMetrics.Objects, 41, "7", "0", "chat", "open")));
    }

    [Fact]
    public void Every_cirrus_family_carries_the_tenant_and_the_runtime_families_do_not()
    {
        Assert.Equal(
            "cirrus_api_request_duration_seconds_bucket{tenant=\"eu.acme\",endpoint=\"objects\",le=\"0.025\"} 1\n",
            Write(w => w.Histogram(MetricCatalogue.ApiRequestDuration, new HistogramSnapshot(
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.01, 1), "objects"), "eu.acme").Split('\n')[0] + "\n");
        Assert.Equal("process_resident_memory_bytes 5\n",
            Write(w => w.Sample(MetricCatalogue.ProcessResidentMemory, 5)));
        Assert.Equal("x_info{name=\"a\",module=\"b\"} 1\n", Write(w => w.Sample(Info, 1, "a", "b")));
    }
}
