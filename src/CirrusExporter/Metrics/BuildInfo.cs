using System.Reflection;
using System.Runtime.InteropServices;

namespace CirrusExporter.Metrics;

/// <summary>Version and revision stamped at build time (-p:Version, -p:SourceRevisionId).</summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    public static string Revision =>
        Informational.Contains('+') ? Informational[(Informational.IndexOf('+') + 1)..] : "unknown";

    public static string Runtime => RuntimeInformation.FrameworkDescription;
}
