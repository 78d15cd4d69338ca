namespace CirrusExporter.Configuration;

/// <summary>The "Web" section: where and how the exporter serves.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    public const int DefaultPort = 9878;

    [KeyDoc("`host:port` to serve `/metrics`, `/healthz`, `/readyz` and `/` on (flag `--web.listen-address`). The host "
        + "is an IP address (`127.0.0.1`, `[::1]`, `0.0.0.0`, `[::]`), `localhost`, or `*` or nothing (`:9878`) for "
        + "every address. Every address by default, as other exporters, because Prometheus usually scrapes from "
        + "another host; use `127.0.0.1` when it runs on the same host, and `Web:ConfigFile` for TLS and basic auth "
        + "elsewhere.",
        Readme = "where the exporter listens: **every interface** by default, as node_exporter (`:9100`); "
            + "`127.0.0.1:9878` for this host only")]
    public string ListenAddress { get; set; } = $"0.0.0.0:{DefaultPort}";

    [KeyDoc("Path of a Prometheus exporter-toolkit web configuration file (flag `--web.config.file`): "
        + "`tls_server_config` (`cert_file`, `key_file`, optional `client_ca_file`, `client_auth_type`, `min_version`) "
        + "for HTTPS, `basic_auth_users` (user: bcrypt hash) for basic auth on every path. Empty: plain HTTP, no auth.",
        Readme = "exporter-toolkit web configuration file: TLS and bcrypt basic auth, the file other exporters already "
            + "use")]
    public string ConfigFile { get; set; } = "";

    [KeyDoc("Path the metrics are served on (flag `--web.telemetry-path`); the landing page links to it. Starts with "
        + "`/`; not `/`, `/healthz`, `/readyz` or `/-/reload`.",
        Readme = "path of the metrics")]
    public string TelemetryPath { get; set; } = "/metrics";

    [KeyDoc("Serve `POST /-/reload` (flag `--web.enable-lifecycle`), which reloads the configuration as SIGHUP does; "
        + "off, it answers 403. Off by default, as Prometheus' `--web.enable-lifecycle`: whoever reaches the port "
        + "could trigger it (the basic auth of `ConfigFile` applies).")]
    public bool EnableLifecycle { get; set; }

    [KeyDoc("Scrapes of `/metrics` served at once; more get 503 at once. Bounds the memory and CPU that many or "
        + "stalled clients can take.",
        Readme = "scrapes served at once; more get 503")]
    public int MaxConcurrentScrapes { get; set; } = 16;

    [KeyDoc("A scrape not completely read within this time is cut off, so a stalled reader frees its slot "
        + "(`hh:mm:ss`).",
        Readme = "a scrape not read within this time is cut off")]
    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromMinutes(1);

    [KeyDoc("A scrape whose client takes any 64 KiB of `/metrics` slower than this many bytes per second (each 64 KiB "
        + "gets at least 5 s) is cut off, as is any other response read slower than this on average after a 5 s grace. "
        + "0: no limit.",
        Readme = "a client reading slower than this is cut off")]
    public int MinResponseBytesPerSecond { get; set; } = 4096;
}
