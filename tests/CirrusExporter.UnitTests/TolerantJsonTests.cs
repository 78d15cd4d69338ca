using System.Text.Json;
using CirrusExporter.Api;

namespace CirrusExporter.UnitTests;

public sealed class TolerantJsonTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-7", -7)]
    [InlineData("42.0", 42)]
    [InlineData("1e3", 1000)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("\"42\"", 42)]
    [InlineData("\"-7\"", -7)]
    [InlineData("\"+8\"", 8)]
    public void Integers_are_read_from_numbers_and_digit_strings(string json, long expected)
    {
        Assert.True(TolerantJson.TryInteger(Json(json), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("42.5")]
    [InlineData("1e20")]
    [InlineData("9223372036854775808")]
    [InlineData("\"4.2\"")]
    [InlineData("\" 42\"")]
    [InlineData("\"\"")]
    [InlineData("\"forty\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("{\"c\":1}")]
    public void Anything_else_is_not_an_integer(string json)
    {
        Assert.False(TolerantJson.TryInteger(Json(json), out _));
    }

    [Theory]
    [InlineData("2024-08-06T07:51:52.2581942Z", "2024-08-06T07:51:52.2581942+00:00")]
    [InlineData("2024-08-06T07:51:52.2581942", "2024-08-06T07:51:52.2581942+00:00")]
    [InlineData("2024-08-06T07:51:52", "2024-08-06T07:51:52+00:00")]
    [InlineData("2024-08-06T09:51:52+02:00", "2024-08-06T07:51:52+00:00")]
    [InlineData("2025-02-06T07:51:52.258Z", "2025-02-06T07:51:52.258+00:00")]
    public void Timestamps_with_or_without_zone_are_read_as_utc(string text, string expected)
    {
        Assert.True(TolerantJson.TryTimestamp(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2024-13-45T00:00:00Z")]
    public void Non_timestamps_are_rejected(string text)
    {
        Assert.False(TolerantJson.TryTimestamp(text, out _));
    }

    [Theory]
    [InlineData("{\"Item1\":[],\"Foo\":\"x\"}", "object{Item1:array,Foo:string}")]
    [InlineData("{\"a\":1,\"b\":true,\"c\":null,\"d\":{}}", "object{a:number,b:boolean,c:null,d:object}")]
    [InlineData("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9}",
        "object{a:number,b:number,c:number,d:number,e:number,f:number,g:number,h:number,…}")]
    [InlineData("[{\"c\":1},{\"c\":2}]", "array[2] of object")]
    [InlineData("[]", "array[0]")]
    [InlineData("\"tok-SECRET\"", "string")]
    [InlineData("3", "number")]
    [InlineData("false", "boolean")]
    [InlineData("null", "null")]
    public void Describe_names_the_shape_without_values(string json, string expected)
    {
        Assert.Equal(expected, TolerantJson.Describe(Json(json)));
    }

    [Fact]
    public void Property_lookup_ignores_case_and_refuses_a_key_given_in_two_casings()
    {
        var row = Json("""{"SUBSTREAMID":1,"subStreamId":2,"StreamId":3}""");
        var e = Assert.Throws<AmbiguousJsonException>(() => TolerantJson.Property(row, "subStreamId"));
        Assert.Contains("'subStreamId' appears more than once", e.Message);
        Assert.Equal(3, TolerantJson.Property(row, "streamId")!.Value.GetInt32());
        Assert.Null(TolerantJson.Property(row, "moduleId"));
        Assert.Null(TolerantJson.Property(Json("[1]"), "streamId"));
    }

    /// <summary>
    /// Names are compared in their raw UTF-8 where that is plain ASCII; escaped or non-ASCII names must still compare
    /// as OrdinalIgnoreCase does.
    /// </summary>
    [Theory]
    [InlineData("""{"stre\u0061mId":5}""", "stre\u0061mId")]
    [InlineData("""{"STRE\u0041MID":5}""", "STRE\u0041MID")]
    [InlineData("""{"stream\u0131d":5}""", "stream\u0131d")]
    [InlineData("""{"streamıd":5}""", "streamıd")]
    [InlineData("""{"streamİd":5}""", "streamİd")]
    [InlineData("""{"streamKd":5}""", "streamKd")]
    [InlineData("""{"streamid ":5}""", "streamid ")]
    public void Escaped_and_non_ascii_names_match_exactly_as_ordinal_ignore_case_says(string json, string rawName)
    {
        var name = JsonDocument.Parse($"\"{rawName}\"").RootElement.GetString()!;
        var expected = name.Equals("streamId", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(expected, TolerantJson.Property(Json(json), "streamId") is not null);
    }

    [Fact]
    public void An_escaped_name_is_found_and_counts_as_the_same_key_as_its_plain_spelling()
    {
        Assert.Equal(5, TolerantJson.Property(Json("""{"stre\u0061mId":5}"""), "streamId")!.Value.GetInt32());
        Assert.Throws<AmbiguousJsonException>(
            () => TolerantJson.Property(Json("""{"stre\u0061mId":5,"STREAMID":6}"""), "streamId"));
    }
}
