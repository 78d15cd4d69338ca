using System.Diagnostics;
using System.Text;

namespace CirrusExporter.EndToEndTests;

/// <summary>`promtool check metrics` (Debian package prometheus) on the exporter's own families.</summary>
public sealed class PromtoolLintTests
{
    [Fact]
    public async Task Promtool_finds_no_problem_in_the_exporters_own_families()
    {
        await using var exporter = ExporterProcess.Start("--demo");
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var (_, body) = await exporter.GetAsync("/metrics");

        // The runtime families keep prometheus-net DotNetStats' names and help, lint findings included; ours are
        // cirrus_* and the RSS gauge.
        var own = new StringBuilder();
        foreach (var line in body.Split('\n'))
        {
            var name = line.StartsWith('#') ? line.Split(' ').ElementAtOrDefault(2) ?? "" : line;
            if (name.StartsWith("cirrus_", StringComparison.Ordinal)
                || name.StartsWith("process_resident_memory_bytes", StringComparison.Ordinal))
            {
                own.Append(line).Append('\n');
            }
        }
        Assert.Contains("cirrus_stream_objects{", own.ToString());

        var info = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true, RedirectStandardError = true
        };
        using var promtool = Process.Start(info)!;
        await promtool.StandardInput.WriteAsync(own.ToString());
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0 && output.Trim().Length == 0, $"promtool check metrics:\n{output}");
    }
}
