namespace CirrusExporter.Configuration;

/// <summary>The "Web" section: where the exporter listens.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    public const int DefaultPort = 9878;

    [KeyDoc("`host:port` to serve `/metrics`, `/healthz`, `/readyz` and `/` on. The host is an IP address (`127.0.0.1`, `[::1]`, `0.0.0.0`, `[::]`), `localhost` or `*` (every address).")]
    public string ListenAddress { get; set; } = $"0.0.0.0:{DefaultPort}";
}
