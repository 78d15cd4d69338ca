using System.Net;
using System.Text;
using CirrusExporter.Api;
using CirrusExporter.Collectors.StreamStats;

namespace CirrusExporter.UnitTests;

/// <summary>
/// A /stats/streams body read without a document must give exactly what the document path gives, or nothing.
/// </summary>
public sealed class StatRowsTests
{
    private const string Endpoint = "stream_stats";

    /// <summary>The document path's answer: the rows, or the error it reports.</summary>
    private static async Task<(IReadOnlyList<StatRow>? Rows, string? Error)> ThroughDocument(string body)
    {
        using var response = new HttpResponseMessage(
            HttpStatusCode.OK)
        { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        try
        {
            return (await new ApiResponseReader()
                .ReadDataAsync(response, Endpoint, StreamStatsData.Parse, CancellationToken.None), null);
        }
        catch (CirrusApiException e)
        {
            return (null, e.Message);
        }
    }

    private static IReadOnlyList<StatRow>? Fast(string body)
        => StatRows.TryReadBody(Encoding.UTF8.GetBytes(body), Endpoint, out var rows) ? rows : null;

    [Fact]
    public void The_documented_sample_is_read_without_a_document()
    {
        var sample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "api-samples", "stats-streams.json"));
        Assert.Equal(
            [new StatRow(9, 11345, 0, 1, 12), new StatRow(9, 11345, 0, 8, 5), new StatRow(13, 11346, 12, 1, 31),
            new StatRow(13, 11346, 12, 15, 2)],
            Fast(sample));
    }

    [Theory]
    [InlineData("""{"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":1,"C":2}]}""")] // one key in two casings
    [InlineData("""{"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":1,"note":1,"note":2}]}""")] // another key twice
    [InlineData("""{"data":[],"DATA":[]}""")]
    [InlineData("""{"status":200,"Status":500,"data":[]}""")]
    [InlineData("""{"status":500,"data":[]}""")]
    [InlineData("""{"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":-1}]}""")]
    [InlineData("""{"data":[{"moduleId":9,"streamİd":1,"statusId":1,"c":1}]}""")]
    [InlineData("""{"ſtatus":500,"data":[]}""")]
    [InlineData("""{"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":1}]} x""")]
    [InlineData("""{"data":{"rows":[]}}""")]
    [InlineData("""{"meta":{"a":1},"data":[]}""")]
    public void Bodies_outside_the_usual_shape_are_left_to_the_document_path(string body) => Assert.Null(Fast(body));

    [Theory]
    [InlineData("""{"data":[{"moduleId":9,"streamId":1,"statusId":1,"c":1.0}]}""")]
    [InlineData("""{"data":[{"moduleId":9,"stre\u0061mId":1,"statusId":"+1","COUNT":"7","subStreamId":null}]}""")]
    [InlineData("""{"status":"200","data":[{"moduleId":9,"streamId":1,"statusId":1,"c":1},],"description":null}""")]
    public async Task Bodies_of_the_usual_shape_with_tolerated_spellings_are_read_as_the_document_path_reads_them(
        string body)
    {
        var (rows, error) = await ThroughDocument(body);
        Assert.Null(error);
        Assert.Single(rows!);
        Assert.Equal(rows, Fast(body));
    }

    [Fact]
    public async Task A_row_with_an_invalid_stream_id_is_left_out_and_recorded_once_by_either_path()
    {
        const string Body = """{"data":[{"moduleId":9,"streamId":0,"statusId":1,"c":1},"""
            + """{"moduleId":9,"streamId":4,"subStreamId":-2,"statusId":1,"c":1},"""
            + """{"moduleId":9,"streamId":5,"statusId":1,"c":3}]}""";
        var context = RefreshContext.Begin(TimeSpan.FromSeconds(30));
        try
        {
            Assert.Equal([new StatRow(9, 5, 0, 1, 3)], Fast(Body));
            Assert.Equal((2, "stream_stats: row with streamId 0, subStreamId 0"),
                context.Ignored[IgnoredRows.InvalidStreamId]);

            context = RefreshContext.Begin(TimeSpan.FromSeconds(30));
            Assert.Null(Fast(Body.Replace("\"c\":3", "\"c\":3,\"x\":1", StringComparison.Ordinal)));
            Assert.Empty(context.Ignored);
            Assert.Equal([new StatRow(9, 5, 0, 1, 3)],
                (await ThroughDocument(Body.Replace("\"c\":3", "\"c\":3,\"x\":1", StringComparison.Ordinal))).Rows);
            Assert.Equal(2, context.Ignored[IgnoredRows.InvalidStreamId].Count);
        }
        finally
        {
            RefreshContext.End();
        }
    }

    /// <summary>
    /// Random bodies around the usual shape: whenever the reader answers, the document path gives the same rows.
    /// </summary>
    [Fact]
    public async Task On_random_bodies_the_reader_answers_only_what_the_document_path_answers()
    {
        var random = new Random(2811);
        int read = 0, left = 0, errors = 0;
        for (var round = 0; round < 4000; round++)
        {
            var body = RandomBody(random);
            var fast = Fast(body);
            var (rows, error) = await ThroughDocument(body);
            if (error is not null) errors++;
            if (fast is null)
            {
                left++;
                continue;
            }
            read++;
            Assert.True(error is null, $"the reader read a body the document path refuses ({error}): {body}");
            Assert.Equal(rows, fast);
        }
        // Each branch must be taken often for the comparison to mean anything.
        Assert.InRange(read, 400, 3600);
        Assert.InRange(left, 400, 3600);
        Assert.True(errors > 400, $"{errors} bodies refused");
    }

    private static string RandomBody(Random random)
    {
        string Key(string name) => random.Next(6) switch
        {
            0 => name.ToUpperInvariant(),
            1 => name.ToLowerInvariant(),
            2 => name[..1] + "\\u00" + Convert.ToHexString([(byte)name[1]]).ToLowerInvariant() + name[2..],
            _ => name,
        };
        string Number(long value) => random.Next(12) switch
        {
            0 => $"\"{value}\"",
            1 => $"{value}.0",
            2 => $"\"+{value}\"",
            3 => $"\" {value}\"",
            _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        string Row()
        {
            var fields = new List<string>
            {
                $"\"{Key("moduleId")}\":{Number(random.Next(20) == 0 ? 3_000_000_000 : random.Next(1, 20))}",
                $"\"{Key("streamId")}\":{Number(random.Next(25) == 0 ? 0 : random.Next(1, 9999))}",
                $"\"{Key("statusId")}\":{Number(random.Next(1, 20))}",
            };
            switch (random.Next(6))
            {
                case 0: break;
                case 1: fields.Add($"\"{Key("subStreamId")}\":null"); break;
                default:
                    fields.Add(
                    $"\"{Key("subStreamId")}\":{Number(random.Next(30) == 0 ? -1 : random.Next(0, 40))}"); break;
            }
            var count = random.Next(30) == 0 ? -3 : random.Next(0, 500);
            switch (random.Next(10))
            {
                case 0: fields.Add($"\"{Key("count")}\":{Number(count)}"); break;
                case 1: fields.Add($"\"c\":{Number(count)}"); fields.Add($"\"count\":{Number(count + 1)}"); break;
                case 2: break; // no count at all
                default: fields.Add($"\"c\":{Number(count)}"); break;
            }
            if (random.Next(40) == 0) fields.Add(fields[random.Next(fields.Count)]);
            if (random.Next(40) == 0) fields.Add("\"extra\":true");
            return "{" + string.Join(",", fields.OrderBy(_ => random.Next())) + (random.Next(30) == 0 ? "," : "") + "}";
        }
        var rows = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(60) == 0 ? "7" : Row()).ToList();
        var envelope = new List<string> { $"\"{Key("data")}\":"
            + (random.Next(40) == 0 ? "null" : "[" + string.Join(",", rows) + "]") };
        switch (random.Next(8))
        {
            case 0: break;
            case 1: envelope.Add($"\"status\":{Number(random.Next(2) == 0 ? 200 : 503)}"); break;
            default: envelope.Add($"\"{Key("status")}\":200"); break;
        }
        if (random.Next(2) == 0) envelope.Add("\"description\":\"Operation successful\"");
        if (random.Next(30) == 0) envelope.Add("\"Description\":\"again\"");
        if (random.Next(30) == 0) envelope.Add("\"meta\":{\"page\":1}");
        return "{" + string.Join(",", envelope.OrderBy(_ => random.Next())) + "}" + (random.Next(60) == 0 ? "]" : "");
    }
}
