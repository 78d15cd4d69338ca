using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CirrusExporter.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace CirrusExporter.Web;

/// <summary>
/// TLS and basic auth from `Web:ConfigFile`. The server certificate is re-read when its files change
/// (checked at each TLS handshake), so a renewed certificate needs no restart. Basic auth applies to
/// every path, health endpoints included, as in exporter-toolkit.
/// </summary>
public sealed class WebSecurity(IOptions<WebOptions> options, ILogger<WebSecurity> logger)
{
    private readonly WebConfigFile _config = string.IsNullOrEmpty(options.Value.ConfigFile)
        ? WebConfigFile.None
        : WebConfigFile.Load(options.Value.ConfigFile);
    private readonly Lock _certificateGate = new();
    private (DateTime Cert, DateTime Key, X509Certificate2 Certificate)? _certificate;
    private X509Certificate2Collection? _clientCa;

    /// <summary>
    /// Hashes of credentials that verified, so bcrypt (deliberately slow) runs once per client, not per scrape.
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _verified = new();

    public TlsSettings? Tls => _config.Tls;

    public bool RequiresAuth => _config.BasicAuthUsers.Count > 0;

    public void ConfigureHttps(HttpsConnectionAdapterOptions https)
    {
        var tls = _config.Tls!;
        https.SslProtocols = tls.Protocols;
        https.ClientCertificateMode = tls.ClientCertificateMode;
        https.ServerCertificateSelector = (_, _) => ServerCertificate();
        if (tls.VerifyClientCertificate)
        {
            _clientCa = [];
            _clientCa.ImportFromPemFile(tls.ClientCaFile!);
            https.ClientCertificateValidation = VerifyClient;
        }
        else
        {
            https.ClientCertificateValidation = (_, _, _) => true;
        }
    }

    private X509Certificate2 ServerCertificate()
    {
        var tls = _config.Tls!;
        var certTime = File.GetLastWriteTimeUtc(tls.CertFile);
        var keyTime = File.GetLastWriteTimeUtc(tls.KeyFile);
        lock (_certificateGate)
        {
            if (_certificate is { } c && c.Cert == certTime && c.Key == keyTime) return c.Certificate;
            try
            {
                var certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
                if (_certificate is not null)
                {
                    logger.LogInformation("TLS certificate {File} re-read (expires {NotAfter:u})", tls.CertFile,
                        certificate.NotAfter.ToUniversalTime());
                }
                _certificate = (certTime, keyTime, certificate);
                return certificate;
            }
            catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
            {
                // A half-written renewal: keep serving the certificate that worked until the files are whole.
                if (_certificate is { } previous)
                {
                    logger.LogWarning(
                        "TLS certificate {File} could not be re-read, still serving the previous one: {Error}",
                        tls.CertFile, e.Message);
                    return previous.Certificate;
                }
                throw;
            }
        }
    }

    private bool VerifyClient(X509Certificate2 certificate, X509Chain? _, SslPolicyErrors errors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_clientCa!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(certificate);
    }

    /// <summary>True when auth is off or the request carries a listed user and its password.</summary>
    public bool Authorized(HttpRequest request)
    {
        if (!RequiresAuth) return true;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
        catch (FormatException) { return false; }
        var colon = decoded.IndexOf(':');
        if (colon < 0 || !_config.BasicAuthUsers.TryGetValue(decoded[..colon], out var hash)) return false;

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(hash + "\n" + decoded)));
        if (_verified.ContainsKey(key)) return true;
        try
        {
            if (!BCrypt.Net.BCrypt.Verify(decoded[(colon + 1)..], hash)) return false;
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
        if (_verified.Count >= 1024) _verified.Clear();
        _verified[key] = 0;
        return true;
    }
}
