using System.Text.RegularExpressions;
using CirrusExporter.Docs;

namespace CirrusExporter.UnitTests;

/// <summary>Reads the repository's docs: tables by their header row, fenced blocks by language.</summary>
public static partial class Markdown
{
    public static string RepoRoot { get; } = GeneratedDocs.RepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no CirrusExporter.sln above {AppContext.BaseDirectory}");

    public static string ReadDoc(string relativePath) => File.ReadAllText(Path.Combine(RepoRoot, relativePath));

    /// <summary>The body rows of the table whose header cells are exactly <paramref name="header"/>.</summary>
    public static IReadOnlyList<string[]> Table(string markdown, params string[] header)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith('|') && Cells(l).SequenceEqual(header));
        Assert.True(start >= 0, $"no table with header | {string.Join(" | ", header)} |");
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
        foreach (var row in rows)
        {
            Assert.True(row.Length == header.Length,
                $"row has {row.Length} cells, expected {header.Length}: {string.Join(" | ", row)}");
        }
        return rows;
    }

    /// <summary>The contents of every fenced block opened with ```<paramref name="language"/>.</summary>
    public static IReadOnlyList<string> FencedBlocks(string markdown, string language) =>
        Regex.Matches(markdown, $@"^```{Regex.Escape(language)}\n(.*?)^```", RegexOptions.Multiline
            | RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value).ToList();

    /// <summary>The text of every `code span` in a cell, in order.</summary>
    public static IReadOnlyList<string> CodeSpans(string cell)
        => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value).ToList();

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex CodeSpan();
}
