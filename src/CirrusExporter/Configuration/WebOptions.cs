namespace CirrusExporter.Configuration;

/// <summary>The "Web" section: where and how the exporter serves.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    public const int DefaultPort = 9878;

    [KeyDoc("`host:port` to serve `/metrics`, `/healthz`, `/readyz` and `/` on. The host is an IP address (`127.0.0.1`, `[::1]`, `0.0.0.0`, `[::]`), `localhost` or `*` (every address).")]
    public string ListenAddress { get; set; } = $"0.0.0.0:{DefaultPort}";

    [KeyDoc("Scrapes of `/metrics` served at once; more get 503 at once. Bounds the memory and CPU that many or stalled clients can take.")]
    public int MaxConcurrentScrapes { get; set; } = 16;

    [KeyDoc("A scrape not completely read within this time is cut off, so a stalled reader frees its slot (`hh:mm:ss`).")]
    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromMinutes(1);

    [KeyDoc("A connection whose client reads a response slower than this many bytes per second (after a 5 s grace) is closed.")]
    public int MinResponseBytesPerSecond { get; set; } = 4096;
}
