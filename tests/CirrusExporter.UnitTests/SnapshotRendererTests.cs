using CirrusExporter.Api;
using CirrusExporter.Collectors.Availability;
using CirrusExporter.Collectors.Objects;
using CirrusExporter.Collectors.SlaExceptions;
using CirrusExporter.Collectors.StreamStats;
using CirrusExporter.Configuration;
using CirrusExporter.Metrics;
using CirrusExporter.Snapshot;

namespace CirrusExporter.UnitTests;

public sealed class SnapshotRendererTests
{
    private const int Chat = 9, WhatsApp = 13, Open = 1, Resolved = 2, InProcess = 8, Pending = 15;

    private static StatRow Row(int module, long stream, long sub, int status, long count)
        => new(module, stream, sub, status, count);

    private static CirrusOptions Options(params StreamOptions[] streams)
        => new() { ApiToken = "t", Streams = [.. streams] };

    private static Dictionary<string, string> Render(CirrusOptions options, StreamCatalogue catalogue,
        params CollectorData[] data)
    {
        var states = data.Select((d, i) => new CollectorState($"c{i}", true, TimeSpan.FromSeconds(30)) { Data = d })
            .ToDictionary(s => s.Name);
        var renderer = new SnapshotRenderer(options, new LabelNames(options));
        return renderer.Render(states, catalogue, new Dictionary<string, RenderedPart>())
            .ToDictionary(kv => kv.Key, kv => kv.Value.Text.Utf8());
    }

    /// <summary>The sample lines of one family, in order.</summary>
    private static List<string> Lines(string part, string family) =>
        part.Split('\n').Where(l => l.StartsWith(family + "{", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Availability_is_one_hot_plus_the_raw_code()
    {
        var options = Options(new StreamOptions { Id = 11345 });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, null, null);
        var part = Render(options, catalogue,
            new AvailabilityData(new Dictionary<StreamKey, int> { [new(11345, 0)] = 2 }))["c0"];

        Assert.Equal(
        [
            "cirrus_stream_availability_state{tenant=\"api.commbox.io\",stream_id=\"11345\",sub_stream_id=\"0\","
                + "state=\"inactive\"} 0",
            "cirrus_stream_availability_state{tenant=\"api.commbox.io\",stream_id=\"11345\",sub_stream_id=\"0\","
                + "state=\"available\"} 0",
            "cirrus_stream_availability_state{tenant=\"api.commbox.io\",stream_id=\"11345\",sub_stream_id=\"0\","
                + "state=\"busy\"} 1",
            "cirrus_stream_availability_state{tenant=\"api.commbox.io\",stream_id=\"11345\",sub_stream_id=\"0\","
                + "state=\"unavailable\"} 0",
        ], Lines(part, "cirrus_stream_availability_state"));
        Assert.Equal(
            [
                "cirrus_stream_availability_state_code{tenant=\"api.commbox.io\",stream_id=\"11345\","
                    + "sub_stream_id=\"0\"} 2",
            ],
            Lines(part, "cirrus_stream_availability_state_code"));
        // The state is named c0, no collector's label, so HELP names no interval.
        Assert.Contains("# HELP cirrus_stream_availability_state "
            + $"{MetricCatalogue.Help(AvailabilityMetrics.State, _ => null)}\n"
            + "# TYPE cirrus_stream_availability_state gauge\n", part);
    }

    [Fact]
    public void Availability_is_sorted_numerically_and_limited_to_watched_streams()
    {
        var options = Options(new StreamOptions { Id = 10 }, new StreamOptions { Id = 2, SubStreams = [5, 1] });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, null, null);
        var states = new Dictionary<StreamKey, int>
        {
            [new(10, 0)] = 1, [new(2, 5)] = 3, [new(2, 1)] = 0,
            [new(99, 0)] = 1
        };
        var part = Render(options, catalogue, new AvailabilityData(states))["c0"];

        Assert.Equal(
        [
            "cirrus_stream_availability_state_code{tenant=\"api.commbox.io\",stream_id=\"2\",sub_stream_id=\"1\"} 0",
            "cirrus_stream_availability_state_code{tenant=\"api.commbox.io\",stream_id=\"2\",sub_stream_id=\"5\"} 3",
            "cirrus_stream_availability_state_code{tenant=\"api.commbox.io\",stream_id=\"10\",sub_stream_id=\"0\"} 1",
        ], Lines(part, "cirrus_stream_availability_state_code"));
    }

    [Fact]
    public void Stream_stats_zero_fill_known_combinations_sum_duplicates_and_sort_by_ids()
    {
        var options = Options();
        var previous = StreamCatalogue.Build(options, StreamCatalogue.Empty,
            [Row(Chat, 10, 0, InProcess, 2), Row(Chat, 10, 0, Open, 1), Row(WhatsApp, 2, 0, Pending, 1)], null);
        StatRow[] now = [Row(WhatsApp, 2, 0, Open, 3), Row(Chat, 10, 0, Open, 4), Row(Chat, 10, 0, Open, 1)];
        var catalogue = StreamCatalogue.Build(options, previous, now, null);
        var part = Render(options, catalogue, new StreamStatsData(now))["c0"];

        Assert.Equal(
        [
            "cirrus_stream_objects{tenant=\"api.commbox.io\",stream_id=\"2\",sub_stream_id=\"0\",module=\"whatsapp\","
                + "status=\"open\"} 3",
            "cirrus_stream_objects{tenant=\"api.commbox.io\",stream_id=\"2\",sub_stream_id=\"0\",module=\"whatsapp\","
                + "status=\"pending\"} 0",
            "cirrus_stream_objects{tenant=\"api.commbox.io\",stream_id=\"10\",sub_stream_id=\"0\",module=\"chat\","
                + "status=\"open\"} 5",
            "cirrus_stream_objects{tenant=\"api.commbox.io\",stream_id=\"10\",sub_stream_id=\"0\",module=\"chat\","
                + "status=\"in_process\"} 0",
        ], Lines(part, "cirrus_stream_objects"));
    }

    [Fact]
    public void Sla_families_zero_fill_sla_combinations_and_open_statuses_of_known_stats()
    {
        var options = Options();
        StatRow[] stats = [Row(Chat, 1, 0, Open, 5), Row(Chat, 1, 0, Resolved, 9)];
        var previous = StreamCatalogue.Build(options, StreamCatalogue.Empty, stats,
            new SlaLists([], [Row(Chat, 1, 0, InProcess, 1)]).Rows);
        var sla = new SlaLists([Row(Chat, 1, 0, Open, 3)], []);
        var catalogue = StreamCatalogue.Build(options, previous, stats, sla.Rows);
        var part = Render(options, catalogue, new SlaData(sla))["c0"];

        Assert.Equal(
        [
            "cirrus_stream_sla_exception_objects{tenant=\"api.commbox.io\",stream_id=\"1\",sub_stream_id=\"0\","
                + "module=\"chat\",status=\"open\"} 3",
            "cirrus_stream_sla_exception_objects{tenant=\"api.commbox.io\",stream_id=\"1\",sub_stream_id=\"0\","
                + "module=\"chat\",status=\"in_process\"} 0",
        ], Lines(part, "cirrus_stream_sla_exception_objects"));
        Assert.Equal(
        [
            "cirrus_stream_sla_critical_objects{tenant=\"api.commbox.io\",stream_id=\"1\",sub_stream_id=\"0\","
                + "module=\"chat\",status=\"open\"} 0",
            "cirrus_stream_sla_critical_objects{tenant=\"api.commbox.io\",stream_id=\"1\",sub_stream_id=\"0\","
                + "module=\"chat\",status=\"in_process\"} 0",
        ], Lines(part, "cirrus_stream_sla_critical_objects"));
    }

    [Fact]
    public void Open_statuses_for_sla_zero_fill_follow_the_configuration()
    {
        var options = Options();
        options.Collectors.Objects().OpenStatuses = [Pending];
        StatRow[] stats = [Row(Chat, 1, 0, Open, 5), Row(Chat, 1, 0, Pending, 2)];
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, stats, null);
        var part = Render(options, catalogue, new SlaData(new SlaLists([], [])))["c0"];

        Assert.Equal(["cirrus_stream_sla_exception_objects{tenant=\"api.commbox.io\",stream_id=\"1\","
            + "sub_stream_id=\"0\",module=\"chat\",status=\"pending\"} 0"],
            Lines(part, "cirrus_stream_sla_exception_objects"));
    }

    [Fact]
    public void Oldest_age_is_per_stream_with_sub_stream_zero()
    {
        var options = Options(new StreamOptions { Id = 12 }, new StreamOptions { Id = 3, SubStreams = [4] });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, null, null);
        var part = Render(options, catalogue,
            new ObjectsData(new Dictionary<long, double> { [12] = 90.5, [3] = 0, [99] = 7 }))["c0"];

        Assert.Equal(
        [
            "cirrus_stream_oldest_open_object_age_seconds{tenant=\"api.commbox.io\",stream_id=\"3\","
                + "sub_stream_id=\"0\"} 0",
            "cirrus_stream_oldest_open_object_age_seconds{tenant=\"api.commbox.io\",stream_id=\"12\","
                + "sub_stream_id=\"0\"} 90.5",
        ], Lines(part, "cirrus_stream_oldest_open_object_age_seconds"));
    }

    [Fact]
    public void Info_escapes_names_and_leaves_unknown_modules_empty()
    {
        var options = Options(new StreamOptions { Id = 5, Name = "Web \"chat\" \\ EU\nnight" },
            new StreamOptions { Id = 4 });
        options.ModuleNames["13"] = "wa";
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, [Row(WhatsApp, 5, 0, Open, 1)], null);
        var parts = Render(options, catalogue);

        Assert.Equal(
        [
            "cirrus_stream_info{tenant=\"api.commbox.io\",stream_id=\"4\",sub_stream_id=\"0\",name=\"4\",module=\"\"} "
                + "1",
            "cirrus_stream_info{tenant=\"api.commbox.io\",stream_id=\"5\",sub_stream_id=\"0\",name=\"Web \\\"chat\\\" "
                + "\\\\ EU\\nnight\",module=\"wa\"} 1",
        ], Lines(parts[SnapshotRenderer.InfoPart], "cirrus_stream_info"));
    }

    [Fact]
    public void Only_collectors_with_data_get_a_part_and_info_is_always_rendered()
    {
        var options = Options();
        var states = new Dictionary<string, CollectorState>
        {
            ["availability"] = new("availability", true, TimeSpan.FromSeconds(30)),
            ["stream_stats"] = new("stream_stats", true, TimeSpan.FromSeconds(30)) { Data = new StreamStatsData([]) },
        };
        var parts = new SnapshotRenderer(options, new LabelNames(options))
            .Render(states, StreamCatalogue.Empty, new Dictionary<string, RenderedPart>());

        Assert.Equal(["info", "stream_stats"], parts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("# HELP cirrus_stream_objects "
            + $"{MetricCatalogue.Help(StreamStatsMetrics.Objects, _ => TimeSpan.FromSeconds(30))}\n"
            + "# TYPE cirrus_stream_objects gauge\n",
            parts["stream_stats"].Text.Utf8());
    }

    [Fact]
    public void Each_part_is_stored_as_a_deflate_segment_and_CRC_of_its_text_that_assemble_into_one_gzip_stream()
    {
        var options = Options(new StreamOptions { Id = 7 });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, [Row(Chat, 7, 0, Open, 3)], null);
        var states = new Dictionary<string, CollectorState>
        {
            ["stream_stats"] = new("stream_stats", true,
                TimeSpan.FromSeconds(30))
            { Data = new StreamStatsData([Row(Chat, 7, 0, Open, 3)]) },
        };
        var parts = new SnapshotRenderer(options, new LabelNames(options))
            .Render(states, catalogue, new Dictionary<string, RenderedPart>());

        var text = parts.Values.SelectMany(p => p.Text.Joined()).ToArray();
        var crc = parts.Values.Aggregate(0u, (crc, p) => GzipSegments.Combine(crc, p.Crc, p.TextLength));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(text), crc);
        var concatenated = GzipSegments.Header.Concat(parts.Values.SelectMany(p => p.Deflated.Joined()))
            .Concat(GzipSegments.Close([]))
            .Concat(GzipSegments.Trailer(crc, text.Length)).ToArray();
        using var decoded = new MemoryStream();
        new System.IO.Compression.GZipStream(new MemoryStream(concatenated),
            System.IO.Compression.CompressionMode.Decompress).CopyTo(decoded);
        Assert.Equal(text, decoded.ToArray());
        Assert.Contains("cirrus_stream_objects{tenant=\"api.commbox.io\",stream_id=\"7\",sub_stream_id=\"0\","
            + "module=\"chat\",status=\"open\"} 3\n", parts["stream_stats"].Text.Utf8());
    }

    [Fact]
    public void A_part_is_rendered_again_only_when_its_own_data_or_the_catalogue_changes()
    {
        var options = Options(new StreamOptions { Id = 7 });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, [Row(Chat, 7, 0, Open, 3)], null);
        var stats = new StreamStatsData([Row(Chat, 7, 0, Open, 3)]);
        var renderer = new SnapshotRenderer(options, new LabelNames(options));
        CollectorState Stats(CollectorData data) => new("stream_stats", true, TimeSpan.FromSeconds(30)) { Data = data };
        var first = renderer.Render(new Dictionary<string, CollectorState> { ["stream_stats"] = Stats(stats) },
            catalogue, new Dictionary<string, RenderedPart>());

        var same = renderer.Render(new Dictionary<string, CollectorState> { ["stream_stats"] = Stats(stats) },
            catalogue, first);
        var newData = renderer.Render(new Dictionary<string, CollectorState>
        {
            ["stream_stats"] = Stats(new StreamStatsData([Row(Chat, 7, 0, Open, 4)]))
        }, catalogue, first);
        var newCatalogue = StreamCatalogue.Build(options, catalogue,
            [Row(Chat, 7, 0, Open, 3), Row(Chat, 7, 0, Resolved, 1)], null);
        var moved = renderer.Render(new Dictionary<string, CollectorState> { ["stream_stats"] = Stats(stats) },
            newCatalogue, first);

        Assert.Same(first["stream_stats"], same["stream_stats"]);
        Assert.Same(first["info"], same["info"]);
        Assert.NotSame(first["stream_stats"], newData["stream_stats"]);
        Assert.Contains("status=\"open\"} 4\n", newData["stream_stats"].Text.Utf8());
        Assert.Same(first["info"], newData["info"]);
        Assert.NotSame(first["stream_stats"], moved["stream_stats"]);
        Assert.Contains("status=\"resolved\"} 0\n", moved["stream_stats"].Text.Utf8());
    }

    /// <summary>Data with a counter family, which reads differently in the two formats, counting its renders.</summary>
    private sealed record CountedRenders : CollectorData
    {
        public int Renders { get; private set; }

        public override void Render(ExpositionWriter writer, RenderContext context)
        {
            Renders++;
            writer.Family(MetricCatalogue.RowsIgnored, "rows");
            writer.Sample(MetricCatalogue.RowsIgnored, Renders, "objects", "shape");
        }
    }

    [Fact]
    public void A_part_with_counters_is_rendered_once_for_both_formats()
    {
        var options = Options(new StreamOptions { Id = 7 });
        var catalogue = StreamCatalogue.Build(options, StreamCatalogue.Empty, null, null);
        var data = new CountedRenders();
        var renderer = new SnapshotRenderer(options, new LabelNames(options));
        var states = new Dictionary<string, CollectorState>
        {
            ["c"] = new("c", true, TimeSpan.FromSeconds(30)) { Data = data }
        };

        var first = renderer.Render(states, catalogue, new Dictionary<string, RenderedPart>());
        var again = renderer.Render(states, catalogue, first);

        Assert.Equal(1, data.Renders);
        Assert.Same(first["c"], again["c"]);
        Assert.Equal("# HELP cirrus_rows_ignored_total rows\n# TYPE cirrus_rows_ignored_total counter\n"
            + "cirrus_rows_ignored_total{tenant=\"api.commbox.io\",collector=\"objects\",reason=\"shape\"} 1\n",
            first["c"].For(openMetrics: false).Text.Utf8());
        Assert.Equal("# HELP cirrus_rows_ignored rows\n# TYPE cirrus_rows_ignored counter\n"
            + "cirrus_rows_ignored_total{tenant=\"api.commbox.io\",collector=\"objects\",reason=\"shape\"} 1\n",
            first["c"].For(openMetrics: true).Text.Utf8());
    }
}
