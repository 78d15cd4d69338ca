using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using YamlDotNet.RepresentationModel;

namespace CirrusExporter.Web;

/// <summary>TLS settings of a web configuration file; paths are resolved against the file's directory.</summary>
public sealed record TlsSettings(
    string CertFile,
    string KeyFile,
    string? ClientCaFile,
    ClientCertificateMode ClientCertificateMode,
    bool VerifyClientCertificate,
    SslProtocols Protocols);

/// <summary>
/// The Prometheus exporter-toolkit web configuration file (`Web:ConfigFile`), so the files users already
/// have for other exporters work here: `tls_server_config` (cert_file, key_file, client_ca_file,
/// client_auth_type, min_version) and `basic_auth_users` (user: bcrypt hash). Fields it does not
/// support are refused by name rather than ignored.
/// </summary>
public sealed record WebConfigFile(TlsSettings? Tls, IReadOnlyDictionary<string, string> BasicAuthUsers)
{
    public static readonly WebConfigFile None = new(null, new Dictionary<string, string>());

    /// <summary>Reads and checks the file; throws <see cref="FormatException"/> naming the field at fault.</summary>
    public static WebConfigFile Load(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new FormatException($"cannot read {path}: {e.Message}", e);
        }
        if (yaml.Documents.Count == 0) return None;
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{path}: expected a mapping at the top");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;

        TlsSettings? tls = null;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(root, path, ""))
        {
            switch (key)
            {
                case "tls_server_config":
                    tls = ReadTls(value, path, directory);
                    break;
                case "basic_auth_users":
                    foreach (var (user, hash) in Entries(value, path, "basic_auth_users."))
                    {
                        var text = Scalar(hash, path, $"basic_auth_users.{user}");
                        if (!text.StartsWith("$2", StringComparison.Ordinal))
                        {
                            throw new FormatException($"{path}: basic_auth_users.{user} must be a bcrypt hash "
                                + "(htpasswd -nbBC 10 USER PASSWORD)");
                        }
                        users[user] = text;
                    }
                    break;
                default:
                    throw new FormatException(
                        $"{path}: {key} is not supported (tls_server_config and basic_auth_users are)");
            }
        }
        return new WebConfigFile(tls, users);
    }

    private static TlsSettings ReadTls(YamlNode node, string path, string directory)
    {
        var fields = Entries(node, path, "tls_server_config.")
            .ToDictionary(e => e.Key, e => Scalar(e.Value, path, "tls_server_config." + e.Key));
        foreach (var field in fields.Keys)
        {
            if (field is not ("cert_file" or "key_file" or "client_ca_file" or "client_auth_type" or "min_version"))
            {
                throw new FormatException($"{path}: tls_server_config.{field} is not supported "
                    + "(cert_file, key_file, client_ca_file, client_auth_type, min_version are)");
            }
        }

        string? File(string name) =>
            fields.TryGetValue(name, out var f) && f.Length > 0 ? Path.GetFullPath(Path.Combine(directory, f)) : null;

        var cert = File("cert_file") ?? throw new FormatException($"{path}: tls_server_config.cert_file is required");
        var key = File("key_file") ?? throw new FormatException($"{path}: tls_server_config.key_file is required");
        var ca = File("client_ca_file");
        var authType = fields.GetValueOrDefault("client_auth_type") is { Length: > 0 } t ? t
            : ca is null ? "NoClientCert"
            : "RequireAndVerifyClientCert";
        var (mode, verify) = authType switch
        {
            "NoClientCert" => (ClientCertificateMode.NoCertificate, false),
            "RequestClientCert" => (ClientCertificateMode.AllowCertificate, false),
            "RequireAnyClientCert" => (ClientCertificateMode.RequireCertificate, false),
            "VerifyClientCertIfGiven" => (ClientCertificateMode.AllowCertificate, true),
            "RequireAndVerifyClientCert" => (ClientCertificateMode.RequireCertificate, true),
            _ => throw new FormatException($"{path}: tls_server_config.client_auth_type must be NoClientCert, "
                + "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert"),
        };
        var protocols = fields.GetValueOrDefault("min_version") switch
        {
            null or "" or "TLS12" => SslProtocols.Tls12 | SslProtocols.Tls13,
            "TLS13" => SslProtocols.Tls13,
            _ => throw new FormatException($"{path}: tls_server_config.min_version must be TLS12 or TLS13"),
        };
        if (verify && ca is null)
        {
            throw new FormatException(
                $"{path}: tls_server_config.client_ca_file is required with client_auth_type {authType}");
        }
        foreach (var file in new[] { cert, key, ca }.OfType<string>())
            if (!System.IO.File.Exists(file)) throw new FormatException($"{path}: {file} does not exist");
        return new TlsSettings(cert, key, ca, mode, verify, protocols);
    }

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode node, string path, string prefix)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" }) yield break;
        if (node is not YamlMappingNode map)
            throw new FormatException($"{path}: {prefix.TrimEnd('.')} must be a mapping");
        foreach (var (k, v) in map.Children) yield return (Scalar(k, path, prefix + "<key>"), v);
    }

    private static string Scalar(YamlNode node, string path, string field) =>
        node is YamlScalarNode s ? s.Value ?? "" : throw new FormatException($"{path}: {field} must be a single value");
}
