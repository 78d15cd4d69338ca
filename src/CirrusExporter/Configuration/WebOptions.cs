namespace CirrusExporter.Configuration;

/// <summary>The "Web" section: where the exporter listens.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    public const int DefaultPort = 9878;

    /// <summary>host:port, like the Go exporters' --web.listen-address.</summary>
    public string ListenAddress { get; set; } = $"0.0.0.0:{DefaultPort}";
}
