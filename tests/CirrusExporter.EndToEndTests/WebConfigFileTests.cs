using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CirrusExporter.EndToEndTests;

/// <summary>
/// TLS and basic auth from an exporter-toolkit web configuration file (Web:ConfigFile), with a certificate
/// made by openssl and a bcrypt hash made by htpasswd (apache2-utils), against the real exporter process.
/// </summary>
public sealed class WebConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cirrus-webconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {stderr}");
        return stdout;
    }

    /// <summary>A self-signed certificate for 127.0.0.1; returns it for the client to trust.</summary>
    private X509Certificate2 MakeCertificate(string name)
    {
        Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
            "2",
            "-subj", $"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", Path.Combine(_dir, "tls.key"), "-out", Path.Combine(_dir, "tls.crt"));
        return X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir, "tls.crt"));
    }

    private static HttpClient Client(int port, string scheme, X509Certificate2? trusted)
    {
        var handler = new HttpClientHandler();
        if (trusted is not null)
        {
            handler.ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null
                && cert.Thumbprint == trusted.Thumbprint;
        }
        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"{scheme}://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(10)
        };
    }

    private static async Task WaitHttpsAsync(HttpClient client, ExporterProcess exporter)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                await client.GetAsync("/healthz");
                return;
            }
            catch (HttpRequestException) { await Task.Delay(200); }
        }
        throw new TimeoutException(exporter.Output);
    }

    [Fact]
    public async Task Basic_auth_over_TLS_refuses_without_or_with_a_wrong_password_and_serves_with_the_right_one()
    {
        var certificate = MakeCertificate("first");
        var hash = Run("htpasswd", "-nbBC", "10", "prometheus", "s3cret pass").Trim().Split(':', 2)[1];
        var config = Path.Combine(_dir, "web.yml");
        await File.WriteAllTextAsync(config, "tls_server_config:\n  cert_file: tls.crt\n  key_file: "
            + $"tls.key\nbasic_auth_users:\n  prometheus: '{hash}'\n");

        await using var exporter = ExporterProcess.Start("--demo", "--Web:ConfigFile=" + config);
        using var client = Client(exporter.Port, "https", certificate);
        await WaitHttpsAsync(client, exporter);

        foreach (var path in new[] { "/metrics", "/healthz", "/readyz", "/" })
        {
            using var none = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Empty(await none.Content.ReadAsByteArrayAsync());
            Assert.StartsWith("Basic ", none.Headers.WwwAuthenticate.ToString());
        }
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:wrong")));
        using var refused = await client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(await refused.Content.ReadAsByteArrayAsync());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:s3cret pass")));
        using var ok = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("cirrus_exporter_build_info{", await ok.Content.ReadAsStringAsync());

        using var plain = Client(exporter.Port, "http", null);
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync("/healthz"));

        // Up to three attempts, as the image's HEALTHCHECK --retries=3: each has a 3 s limit, which a loaded machine
        // can miss.
        var code = -1;
        for (var attempt = 0; attempt < 3 && code != 0; attempt++)
        {
            (code, _, _) = await ExporterProcess.RunAsync(null, "healthcheck",
                $"--Web:ListenAddress=127.0.0.1:{exporter.Port}", "--Web:ConfigFile=" + config);
        }
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_without_a_restart()
    {
        var first = MakeCertificate("first");
        var config = Path.Combine(_dir, "web.yml");
        await File.WriteAllTextAsync(config, "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n");
        await using var exporter = ExporterProcess.Start("--demo", "--Web:ConfigFile=" + config);
        using (var client = Client(exporter.Port, "https", first))
        {
            await WaitHttpsAsync(client, exporter);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }

        var second = MakeCertificate("second");
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "tls.crt"), DateTime.UtcNow.AddSeconds(5));
        using var renewed = Client(exporter.Port, "https", second);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/healthz")).StatusCode);
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
    }

    [Fact]
    public async Task A_bad_web_configuration_file_stops_start_up_naming_the_key()
    {
        var config = Path.Combine(_dir, "web.yml");
        await File.WriteAllTextAsync(config, "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n");

        var (code, _, stderr) = await ExporterProcess.RunAsync(null, "--check-config", "--Cirrus:ApiToken=t",
            "--Cirrus:Streams:0:Id=1", "--Web:ConfigFile=" + config);

        Assert.Equal(2, code);
        Assert.Contains("Web:ConfigFile:", stderr);
        Assert.Contains("missing.crt does not exist", stderr);
    }
}
