using System.Text.RegularExpressions;

namespace CirrusExporter.UnitTests;

/// <summary>
/// No line of C# under src/ and tests/ is longer than <see cref="MaxLength"/> characters, except one that cannot be
/// broken (<see cref="CannotBeBroken"/>). Wrap a long line after a comma or before an operator, a <c>.</c> of a call
/// chain or <c>=&gt;</c>, with continuation lines 4 spaces deeper; split a long string literal into a concatenation of
/// the same value.
/// </summary>
public sealed partial class LineLengthTests
{
    public const int MaxLength = 120;

    private const int Shown = 50;

    [Fact]
    public void No_line_of_CSharp_is_longer_than_120_characters_unless_it_cannot_be_broken()
    {
        var files = SourceFiles().ToList();
        Assert.True(files.Count > 100, $"read only {files.Count} .cs files under src/ and tests/");

        var offenders = files.SelectMany(f => LongLines(Path.GetRelativePath(Markdown.RepoRoot, f).Replace('\\', '/'),
                File.ReadAllText(f)))
            .ToList();
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} line(s) over {MaxLength} characters (wrap them; see CONTRIBUTING.md), "
            + $"the first {Math.Min(Shown, offenders.Count)}:\n{string.Join("\n", offenders.Take(Shown))}");
    }

    [Theory]
    [InlineData("\"a string that, indented or not, cannot be split without becoming a concatenation\"")]
    [InlineData("\"a string literal\",")]
    [InlineData("[\"a string literal in a collection expression\"]);")]
    [InlineData("@\"a verbatim \"\"string\"\"\",")]
    [InlineData("$\"an interpolated {string} without nested quotes\");")]
    [InlineData("\"\"\"{\"raw\":\"json\"}\"\"\",")]
    [InlineData("AnIdentifierThatIsLongerThanTheRoom);")]
    [InlineData("public async Task A_test_whose_name_alone_is_longer_than_the_room()")]
    [InlineData("public static void A_method_whose_parameters_are_on_the_next_line(")]
    [InlineData("private static Dictionary<string, int> A_method_returning_a_generic()")]
    public void A_single_token_or_a_method_name_cannot_be_broken(string text)
    {
        Assert.True(CannotBeBroken(text));
        Assert.Empty(LongLines("x.cs", Padded(text)));
    }

    [Theory]
    [InlineData("Assert.Equal(\"a string\", actual);")]
    [InlineData("+ \"the rest of a concatenation\"")]
    [InlineData("[InlineData(\"a string\")]")]
    [InlineData("\"one string\", \"another\"")]
    [InlineData("// a comment, which can be re-flowed")]
    [InlineData("/// <summary>A doc comment</summary>")]
    [InlineData("Name.Other")]
    [InlineData("public async Task A_test_with_a_parameter(string value)")]
    [InlineData("public void A_method() => Body();")]
    [InlineData("var name = \"a string\";")]
    public void Anything_else_can_be_broken(string text)
    {
        Assert.False(CannotBeBroken(text));
        var line = Padded(text);
        Assert.Equal([$"x.cs:2 ({line.Length})"], LongLines("x.cs", $"namespace X;\n{line}\n"));
    }

    [Fact]
    public void A_line_of_120_characters_passes_and_one_of_121_fails()
    {
        var fits = "// " + new string('x', MaxLength - 3);
        Assert.Empty(LongLines("x.cs", fits));
        Assert.Equal(["x.cs:1 (121)"], LongLines("x.cs", fits + "x\r\n"));
    }

    /// <summary>
    /// A line that cannot be broken: beyond its indentation, one string literal or identifier with only brackets,
    /// commas and semicolons around it, or a method declaration (modifiers, return type, name) ending in <c>(</c> or
    /// <c>()</c>, which is over the limit because of its name.
    /// </summary>
    public static bool CannotBeBroken(string line)
    {
        var text = line.Trim();
        return SingleToken().IsMatch(text) || MethodName().IsMatch(text);
    }

    /// <summary>
    /// <c>path:line (length)</c> of each line of <paramref name="text"/> over the limit that can be broken.
    /// </summary>
    public static List<string> LongLines(string path, string text) =>
        [.. text.Split('\n')
            .Select((line, i) => (Line: line.TrimEnd('\r'), Number: i + 1))
            .Where(l => l.Line.Length > MaxLength && !CannotBeBroken(l.Line))
            .Select(l => $"{path}:{l.Number} ({l.Line.Length})")];

    private static IEnumerable<string> SourceFiles()
    {
        var sep = Path.DirectorySeparatorChar;
        return new[] { "src", "tests" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Markdown.RepoRoot, dir), "*.cs",
                SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}"))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The text indented so that the line is over the limit.</summary>
    private static string Padded(string text) => new string(' ', Math.Max(4, MaxLength + 1 - text.Length)) + text;

    // One literal (regular, verbatim, interpolated without nested quotes, or raw) or one identifier, with only
    // punctuation around it.
    [GeneratedRegex("""
        ^[()\[\]{},;]*
        (?: (?:\$@|@\$|\$|@)?"(?:[^"\\]|\\.|"")*"(?:u8)?
          | \$*(?<q>"{3,}).*?\k<q>
          | @?[A-Za-z_][A-Za-z0-9_]* )
        [()\[\]{},;]*$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex SingleToken();

    // Modifiers, a return type (generic arguments separated by ", "), the name and "(" or "()".
    [GeneratedRegex("""
        ^(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|abstract|partial|new
              |unsafe|extern)[ ])+
        [\w.<>\[\]?]+(?:,[ ][\w.<>\[\]?]+)*[ ]@?\w+\(\)?$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex MethodName();
}
