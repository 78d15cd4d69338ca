using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CirrusExporter.TestSupport;

/// <summary>
/// A deliberately misbehaving Cirrus API on 127.0.0.1, written on raw TCP so it can do what a well-behaved
/// server framework will not: trickle a body, reset the connection mid-body, stream an endless chunked
/// body, redirect elsewhere. Each path answers with a <see cref="Responder"/>; a list of them is played in
/// order, the last one from then on. Every connection closes after its one response.
/// </summary>
public sealed class HostileUpstream : IAsyncDisposable
{
    /// <summary>Writes one whole response (status line included) to the client.</summary>
    public delegate Task Responder(Socket socket, NetworkStream stream, CancellationToken ct);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Responder[]> _routes = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public HostileUpstream()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Answers requests for <paramref name="path"/> (query ignored) with the responders in turn, the last repeating.
    /// </summary>
    public void On(string path, params Responder[] responders) => _routes[path] = responders;

    /// <summary>Requests seen for the path, whatever the answer.</summary>
    public int Calls(string path) => _calls.GetValueOrDefault(path);

    public int TotalCalls => _calls.Values.Sum();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            var path = await ReadRequestPathAsync(stream, _stop.Token);
            if (path is null) return;
            var n = _calls.AddOrUpdate(path, 1, (_, c) => c + 1);
            var responders = _routes.GetValueOrDefault(path) ?? [Status(404)];
            await responders[Math.Min(n, responders.Length) - 1](socket, stream, _stop.Token);
            await stream.FlushAsync(_stop.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
            or ObjectDisposedException)
        {
            // The client gave up (timeout) or the test ended: nothing to answer any more.
        }
    }

    /// <summary>Reads the request head (GET only, no body) and returns its path without the query.</summary>
    private static async Task<string?> ReadRequestPathAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0 || head.Length > 64 * 1024) return null;
            if (head.Length == 0 && !char.IsAsciiLetterUpper((char)buffer[0]))
            {
                // Not HTTP (a TLS ClientHello from an https:// client): answer in plain text, as a misconfigured port
                // would.
                await stream.WriteAsync(Ascii("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"), ct);
                return null;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var target = head.ToString().Split(' ', 3)[1];
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections);
    }

    // --- responders -------------------------------------------------------------------------------

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static string Head(int status, string reason, params string[] headers) =>
        $"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";

    /// <summary>A well-formed JSON answer with Content-Length.</summary>
    public static Responder Json(string body, int status = 200) => async (_, stream, ct) =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(
            Ascii(Head(status, "OK", "Content-Type: application/json", $"Content-Length: {bytes.Length}")), ct);
        await stream.WriteAsync(bytes, ct);
    };

    public static Responder Status(int status, params string[] headers) => async (_, stream, ct) =>
        await stream.WriteAsync(Ascii(Head(status, "Status", [.. headers, "Content-Length: 0"])), ct);

    /// <summary>Headers at once, then the body one byte every <paramref name="perByte"/>.</summary>
    public static Responder Trickle(string body, TimeSpan perByte) => async (_, stream, ct) =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(
            Ascii(Head(200, "OK", "Content-Type: application/json", $"Content-Length: {bytes.Length}")), ct);
        foreach (var b in bytes)
        {
            await stream.WriteAsync(new[] { b }, ct);
            await stream.FlushAsync(ct);
            await Task.Delay(perByte, ct);
        }
    };

    /// <summary>
    /// Declares the body's full length, sends the first <paramref name="sent"/> bytes, then resets the connection (TCP
    /// RST).
    /// </summary>
    public static Responder ResetMidBody(string body, int sent) => async (socket, stream, ct) =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(
            Ascii(Head(200, "OK", "Content-Type: application/json", $"Content-Length: {bytes.Length}")), ct);
        await stream.WriteAsync(bytes.AsMemory(0, sent), ct);
        await stream.FlushAsync(ct);
        await Task.Delay(100, ct);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    };

    /// <summary>
    /// A chunked body (no Content-Length) of <paramref name="totalBytes"/> bytes: <paramref name="json"/> padded with
    /// spaces (still valid JSON), in chunks of <paramref name="chunkBytes"/>, pausing <paramref name="hold"/> after the
    /// first <paramref name="holdAfterBytes"/> bytes (to keep many such bodies in flight at once).
    /// </summary>
    public static Responder Chunked(long totalBytes, string json = "[]", int chunkBytes = 64 * 1024,
        long holdAfterBytes = long.MaxValue, TimeSpan hold = default) =>
        async (_, stream, ct) =>
        {
            await stream.WriteAsync(
                Ascii(Head(200, "OK", "Content-Type: application/json", "Transfer-Encoding: chunked")), ct);
            var chunk = new byte[chunkBytes];
            Array.Fill(chunk, (byte)' ');
            Encoding.UTF8.GetBytes(json).CopyTo(chunk, 0);
            var prefix = Ascii($"{chunk.Length:x}\r\n");
            var held = false;
            for (long sent = 0; sent < totalBytes; sent += chunk.Length)
            {
                if (!held && sent >= holdAfterBytes)
                {
                    held = true;
                    await Task.Delay(hold, ct);
                }
                await stream.WriteAsync(prefix, ct);
                await stream.WriteAsync(chunk, ct);
                await stream.WriteAsync(Ascii("\r\n"), ct);
                Array.Fill(chunk, (byte)' ');
            }
            await stream.WriteAsync(Ascii("0\r\n\r\n"), ct);
        };

    /// <summary>
    /// A JSON answer compressed with <paramref name="encoding"/> (gzip, deflate or br), whatever the request accepted.
    /// </summary>
    public static Responder Encoded(string body, string encoding) => async (_, stream, ct) =>
    {
        using var compressed = new MemoryStream();
        await using (var encoder = Encoder(encoding, compressed))
        {
            await encoder.WriteAsync(Encoding.UTF8.GetBytes(body), ct);
        }
        await stream.WriteAsync(Ascii(Head(200, "OK", "Content-Type: application/json", $"Content-Encoding: {encoding}",
            $"Content-Length: {compressed.Length}")), ct);
        await stream.WriteAsync(compressed.ToArray(), ct);
    };

    /// <summary>
    /// A gzip body that decodes to <paramref name="decodedBytes"/> bytes of spaces: one member of 1 MiB (about 1 KB
    /// compressed) repeated, about a thousandth of the decoded size on the wire, sent until the client stops reading.
    /// </summary>
    public static Responder GzipBomb(long decodedBytes) => async (_, stream, ct) =>
    {
        const int memberBytes = 1 << 20;
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize))
        {
            await gzip.WriteAsync(Enumerable.Repeat((byte)' ', memberBytes).ToArray(), ct);
        }
        var member = compressed.ToArray();
        var members = decodedBytes / memberBytes;
        await stream.WriteAsync(Ascii(Head(200, "OK", "Content-Type: application/json", "Content-Encoding: gzip",
            $"Content-Length: {members * member.Length}")), ct);
        for (long i = 0; i < members; i++) await stream.WriteAsync(member, ct);
    };

    private static Stream Encoder(string encoding, Stream into) => encoding switch
    {
        "gzip" => new GZipStream(into, CompressionLevel.Optimal, leaveOpen: true),
        "deflate" => new ZLibStream(into, CompressionLevel.Optimal, leaveOpen: true),
        "br" => new BrotliStream(into, CompressionLevel.Optimal, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "gzip, deflate or br"),
    };

    /// <summary>A redirect to <paramref name="location"/>.</summary>
    public static Responder Redirect(string location, int status = 302) => Status(status, $"Location: {location}");
}
