using CirrusExporter.Api;

namespace CirrusExporter.UnitTests;

public sealed class UpstreamTextTests
{
    [Theory]
    [InlineData("plain text: keys a,b", "plain text: keys a,b")]
    [InlineData("x\n2026-11-28T00:00:00Z ERR forged", @"x\n2026-11-28T00:00:00Z ERR forged")]
    [InlineData("a\r\tb", @"a\r\tb")]
    [InlineData("\u001b[31mred\u001b[0m", @"\u001b[31mred\u001b[0m")]
    [InlineData("\u202eevil\u200b\u2028\u0085\u007f", @"\u202eevil\u200b\u2028\u0085\u007f")]
    [InlineData("naïve 東京 ✓", "naïve 東京 ✓")]
    public void Control_format_and_separator_characters_are_escaped_and_the_rest_kept(string text, string expected)
    {
        Assert.Equal(expected, UpstreamText.Safe(text));
    }

    [Fact]
    public void Long_text_is_cut_to_the_limit_with_a_marker_giving_the_full_length()
    {
        var safe = UpstreamText.Safe(new string('A', 5_400_000));

        Assert.Equal(UpstreamText.MaxLength, safe.Length);
        Assert.EndsWith("…[cut, 5400000 characters in all]", safe);
        Assert.StartsWith("AAAA", safe);
    }

    [Fact]
    public void Escapes_count_towards_the_limit()
    {
        var safe = UpstreamText.Safe(new string('\n', 1000), 100);

        Assert.True(safe.Length <= 100, safe);
        Assert.DoesNotContain('\n', safe);
    }

    [Theory]
    [InlineData("x\n\u001by")]
    [InlineData("short")]
    public void Applying_it_twice_changes_nothing(string text)
    {
        var once = UpstreamText.Safe(text + new string('z', 1000));
        Assert.Equal(once, UpstreamText.Safe(once));
        Assert.Equal(UpstreamText.Safe(text), UpstreamText.Safe(UpstreamText.Safe(text)));
    }

    [Fact]
    public void Nothing_gives_empty()
    {
        Assert.Equal("", UpstreamText.Safe(null));
        Assert.Equal("", UpstreamText.Safe(""));
    }
}
