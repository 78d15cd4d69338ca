using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CirrusExporter.EndToEndTests;

/// <summary>The README's first command, run exactly as written from the repository root.</summary>
public sealed partial class ReadmeCommandTests
{
    [Fact]
    public async Task The_first_readme_command_serves_simulated_metrics_on_the_default_port()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(ExporterProcess.RepoRoot, "README.md"));
        var block = FirstShellBlock().Match(readme);
        Assert.True(block.Success, "README has no ```sh block");
        var lines = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var command = lines[0].Split('#')[0].Trim();
        Assert.Equal("dotnet run --project src/CirrusExporter -- --demo", command);
        Assert.StartsWith("./test.sh", lines[1]);

        var info = new ProcessStartInfo("bash", ["-c", "exec " + command])
        {
            WorkingDirectory = ExporterProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Cirrus__", StringComparison.Ordinal)
            || k.StartsWith("Web__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient
            {
                BaseAddress = new Uri("http://127.0.0.1:9878"),
                Timeout = TimeSpan.FromSeconds(5)
            };
            var watch = Stopwatch.StartNew();
            string? metrics = null;
            // dotnet run may build first: allow for it.
            while (watch.Elapsed < TimeSpan.FromMinutes(4) && !process.HasExited)
            {
                try
                {
                    if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                    {
                        metrics = await http.GetStringAsync("/metrics");
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(500);
            }
            Assert.True(metrics is not null, $"no ready exporter on :9878\n{output}");
            Assert.Contains("cirrus_up{tenant=\"demo\"} 1", metrics);
            Assert.Contains(
                "cirrus_stream_info{tenant=\"demo\",stream_id=\"11345\",sub_stream_id=\"0\",name=\"Web chat\"",
                metrics);
            lock (output) Assert.Contains("SIMULATED", output.ToString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstShellBlock();
}
