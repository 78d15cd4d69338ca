using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CirrusExporter.Docs;
using CirrusExporter.TestSupport;

namespace CirrusExporter.EndToEndTests;

/// <summary>
/// The built exporter (cirrus-exporter.dll of the same configuration as these tests) run as a real process
/// on a free loopback port; killed on dispose.
/// </summary>
public sealed class ExporterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExporterProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; set; }

    public HttpClient Http => _http ??= new HttpClient
    {
        BaseAddress = new Uri($"http://127.0.0.1:{Port}"),
        Timeout = TimeSpan.FromSeconds(10)
    };

    private HttpClient? _http;

    /// <summary>Sends SIGHUP, as an operator's kill -HUP.</summary>
    public void Hangup() => Process.Start("kill",
        ["-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string RepoRoot { get; } = GeneratedDocs.RepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("CirrusExporter.sln not found above the test binaries");

    /// <summary>The exporter build of the same configuration (Debug/Release) as this test assembly.</summary>
    public static string ExporterDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))
                .Parent!.Name;
            var dll = Path.Combine(RepoRoot, "src", "CirrusExporter", "bin", configuration, "net10.0",
                "cirrus-exporter.dll");
            return File.Exists(dll)
                ? dll : throw new FileNotFoundException($"build the exporter first ({configuration})", dll);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ExporterProcess Start(params string[] args)
    {
        var port = FreePort();
        return Launch(port, ["--Web:ListenAddress=127.0.0.1:" + port, .. args]);
    }

    /// <summary>
    /// Starts the exporter with exactly these arguments; set <see cref="Port"/> to where they make it listen.
    /// </summary>
    public static ExporterProcess StartRaw(params string[] args) => Launch(0, args);

    /// <summary>Starts the exporter in <paramref name="directory"/>, where it reads appsettings.json.</summary>
    public static ExporterProcess StartIn(string directory, params string[] args)
    {
        var port = FreePort();
        return Launch(port, ["--Web:ListenAddress=127.0.0.1:" + port, .. args], directory);
    }

    private static ExporterProcess Launch(int port, string[] args, string? directory = null)
    {
        var info = Command(args);
        if (directory is not null) info.WorkingDirectory = directory;
        var process = new Process { StartInfo = info };
        var exporter = new ExporterProcess(process, port);
        process.OutputDataReceived += (_, e) => { lock (exporter._output) exporter._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (exporter._output) exporter._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return exporter;
    }

    /// <summary>Runs the exporter to completion (for --once, --check-config, healthcheck).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? environment,
        params string[] args) =>
        RunInAsync(null, environment, args);

    /// <summary>
    /// Runs the exporter to completion in <paramref name="directory"/> (where it reads appsettings.json).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunInAsync(string? directory,
        IDictionary<string, string>? environment, params string[] args)
    {
        var info = Command(args);
        if (directory is not null) info.WorkingDirectory = directory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo Command(string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false
        };
        info.ArgumentList.Add(ExporterDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // The exporter must not pick up a token or settings from the test runner's environment.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Cirrus__", StringComparison.Ordinal)
            || k.StartsWith("Web__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return info;
    }

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<Exposition> ScrapeAsync() => Exposition.Parse((await GetAsync("/metrics")).Body);

    /// <summary>Waits (bounded) until /readyz answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"exporter exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await GetAsync("/readyz")).Status == 200) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"not ready after {limit}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
