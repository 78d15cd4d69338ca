using System.Text.RegularExpressions;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The folders of src/CirrusExporter (one namespace each) depend on each other without a cycle, read from the sources:
/// a file in CirrusExporter.A depends on B when it has <c>using CirrusExporter.B</c> or names a type of B qualified
/// (<c>B.Type</c>, which code under CirrusExporter may write without a using).
/// </summary>
public sealed partial class FolderDependencyTests
{
    [Fact]
    public void The_folders_depend_on_each_other_without_a_cycle()
    {
        var graph = Graph();
        Assert.True(graph.Count >= 8, $"read only {graph.Count} folders: {string.Join(", ", graph.Keys)}");

        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"the folders depend on each other in a cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void The_cycle_finder_names_a_cycle_and_accepts_a_layering()
    {
        var cyclic = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"],
            ["D"] = ["A"]
        };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(cyclic));
        var layered = new Dictionary<string, HashSet<string>> { ["A"] = ["B", "C"], ["B"] = ["C"], ["C"] = [] };
        Assert.Null(FindCycle(layered));
    }

    /// <summary>Folder to the folders its files depend on.</summary>
    private static Dictionary<string, HashSet<string>> Graph()
    {
        var root = Path.Combine(Markdown.RepoRoot, "src", "CirrusExporter");
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}"))
            .Select(f => (Folder: FolderOf(File.ReadAllText(f)), Text: Code(File.ReadAllText(f))))
            .Where(f => f.Folder is not null)
            .ToList();
        var typesOf = files.GroupBy(f => f.Folder!)
            .ToDictionary(g => g.Key,
                g => g.SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet());

        var graph = typesOf.Keys.ToDictionary(k => k, _ => new HashSet<string>());
        foreach (var (folder, text) in files)
        {
            foreach (Match m in Using().Matches(text)) graph[folder!].Add(m.Groups[1].Value);
            foreach (Match m in Qualified().Matches(text))
            {
                if (typesOf.TryGetValue(m.Groups[1].Value, out var types) && types.Contains(m.Groups[2].Value))
                {
                    graph[folder!].Add(m.Groups[1].Value);
                }
            }
        }
        foreach (var (folder, targets) in graph) targets.Remove(folder);
        return graph;
    }

    /// <summary>
    /// The folder a file's namespace is in (CirrusExporter.Collectors.Objects is in Collectors); null for the root.
    /// </summary>
    private static string? FolderOf(string text) =>
        Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The text without comments and string literals, which name folders without depending on them.</summary>
    private static string Code(string text)
        => CommentOrLiteral().Replace(text, m => m.Value.StartsWith('/') ? "" : "\"\"");

    /// <summary>A cycle as its folders, the first repeated at the end; null when there is none.</summary>
    internal static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, bool>(); // false: on the current path, true: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var done)) return done ? null : [.. path.Skip(path.IndexOf(node)), node];
            state[node] = false;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[node] = true;
            return null;
        }
        return graph.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [GeneratedRegex(@"^namespace\s+CirrusExporter\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?CirrusExporter\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"(?<![\w.])(?:CirrusExporter\.)?([A-Z]\w*)\.([A-Z]\w*)")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:struct\s+|class\s+)?([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    /// <summary>Whichever starts first: a comment, or a string literal (raw, verbatim or regular).</summary>
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|"""""".*?""""""|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""",
        RegexOptions.Singleline)]
    private static partial Regex CommentOrLiteral();
}
