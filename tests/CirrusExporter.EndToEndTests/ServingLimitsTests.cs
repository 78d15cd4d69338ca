using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CirrusSimulator;
using Microsoft.AspNetCore.Builder;

namespace CirrusExporter.EndToEndTests;

/// <summary>
/// The serving limits (Web:MaxConcurrentScrapes, Web:ScrapeTimeout, Web:MinResponseBytesPerSecond) against
/// the real exporter process and clients on raw loopback sockets that read slowly or not at all. The
/// tenant is large enough (5,000 simulated streams, about 7 MB per uncompressed scrape) that the kernel's
/// socket buffers on loopback (up to 4 MiB for sending) cannot take a whole scrape, so a stalled reader
/// really keeps its scrape in flight.
/// </summary>
public sealed class ServingLimitsTests(ServingLimitsTests.LargeTenant tenant)
    : IClassFixture<ServingLimitsTests.LargeTenant>
{
    /// <summary>
    /// A simulated tenant of 5,000 streams on a free loopback port, shared by the tests of this class.
    /// </summary>
    public sealed class LargeTenant : IAsyncLifetime
    {
        private readonly string _tokenFile = Path.GetTempFileName();
        private WebApplication? _simulator;

        public async Task InitializeAsync()
        {
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            await File.WriteAllTextAsync(_tokenFile, token);
            // A weekday morning on the simulated clock, whatever the hour the suite runs: the tenant's traffic, and so
            // the size of a scrape, follows business hours and weekends, and at night it fell under MinimumBytes.
            _simulator = SimulatorHost.Create(
                new SimulatorOptions
                {
                    Token = token, LargeTenantStreams = 5000,
                    StartTime = new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero)
                },
                "http://127.0.0.1:0");
            await _simulator.StartAsync();
        }

        public async Task DisposeAsync()
        {
            if (_simulator is not null) await _simulator.DisposeAsync();
            File.Delete(_tokenFile);
        }

        /// <summary>
        /// An exporter watching every stream of the tenant, refreshed once (then hourly), with <paramref name="web"/>
        /// settings.
        /// </summary>
        public async Task<ExporterProcess> StartExporterAsync(params string[] web)
        {
            var exporter = ExporterProcess.Start([
                "--Cirrus:BaseUrl=" + _simulator!.Urls.First(), "--Cirrus:ApiTokenFile=" + _tokenFile,
                "--Cirrus:MaxStreams=10000", "--Cirrus:Http:RateLimitPerSecond=0", "--Cirrus:MaxDataAge=02:00:00",
                "--Cirrus:Collectors:Availability:Interval=01:00:00",
                    "--Cirrus:Collectors:StreamStats:Interval=01:00:00",
                "--Cirrus:Collectors:SlaExceptions:Interval=01:00:00", "--Cirrus:Collectors:Objects:Interval=01:00:00",
                    .. web]);
            try
            {
                await exporter.WaitReadyAsync(TimeSpan.FromMinutes(2));
            }
            catch
            {
                await exporter.DisposeAsync();
                throw;
            }
            return exporter;
        }
    }

    /// <summary>
    /// A GET /metrics (no compression) on a socket with a 4 KiB receive buffer, set before connecting so the
    /// advertised window stays small. It reads the status line and headers, then only what the test lets it.
    /// </summary>
    private sealed class RawScrape : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream,
            ProtocolType.Tcp)
        { ReceiveBufferSize = 4096 };

        public int Status { get; private set; }

        public long ContentLength { get; private set; }

        /// <summary>Body bytes received so far.</summary>
        public long Received { get; private set; }

        /// <summary>The server closed or reset the connection.</summary>
        public bool Ended { get; private set; }

        public bool Complete => Received >= ContentLength;

        public static async Task<RawScrape> StartAsync(int port)
        {
            var scrape = new RawScrape();
            await scrape._socket.ConnectAsync(IPAddress.Loopback, port);
            await scrape._socket.SendAsync(
                Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
            var head = new List<byte>();
            var one = new byte[1];
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Byte by byte up to the blank line, so no body byte is read with the headers.
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await scrape._socket.ReceiveAsync(one, limit.Token) == 0)
                {
                    throw new IOException("connection closed before the headers ended");
                }
                head.Add(one[0]);
            }
            var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
            scrape.Status = int.Parse(lines[0].Split(' ')[1]);
            scrape.ContentLength = long.Parse(lines.Single(
                l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Split(':')[1].Trim());
            return scrape;
        }

        /// <summary>
        /// Reads at most <paramref name="bytes"/> of the body; false once the server has ended the connection.
        /// </summary>
        public async Task<bool> ReadAsync(int bytes, CancellationToken cancellationToken)
        {
            var buffer = new byte[Math.Min(bytes, 64 * 1024)];
            var left = bytes;
            while (left > 0 && !Complete && !Ended)
            {
                int n;
                try
                {
                    n = await _socket.ReceiveAsync(buffer.AsMemory(0,
                    (int)Math.Min(Math.Min(left, buffer.Length), ContentLength - Received)), cancellationToken);
                }
                catch (SocketException) { n = 0; }
                if (n == 0) Ended = true;
                Received += n;
                left -= n;
            }
            return !Ended;
        }

        /// <summary>
        /// Reads everything the connection still delivers, up to the end of the body, within <paramref name="limit"/>.
        /// </summary>
        public async Task DrainAsync(TimeSpan limit)
        {
            using var cancel = new CancellationTokenSource(limit);
            while (!Complete && !Ended) await ReadAsync(64 * 1024, cancel.Token);
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>
    /// A scrape at full speed: its status, and whether its body was at least the size of the tenant's exposition.
    /// </summary>
    private static async Task<(int Status, bool Whole)> ScrapeAsync(ExporterProcess exporter)
    {
        using var response = await exporter.Http.GetAsync("/metrics");
        return ((int)response.StatusCode, (await response.Content.ReadAsByteArrayAsync()).LongLength > MinimumBytes);
    }

    /// <summary>
    /// Waits (bounded) for the exporter's log to show <paramref name="text"/>: its output arrives asynchronously.
    /// </summary>
    private static async Task AssertLoggedAsync(ExporterProcess exporter, string text)
    {
        for (var i = 0; i < 50 && !exporter.Output.Contains(text, StringComparison.Ordinal); i++) await Task.Delay(100);
        Assert.Contains(text, exporter.Output);
    }

    /// <summary>
    /// Well above what the kernel's socket buffers take on loopback (a few MB), so a stalled reader stays in flight.
    /// </summary>
    private const long MinimumBytes = 6_000_000;

    [Fact]
    public async Task A_scrape_over_MaxConcurrentScrapes_gets_503_at_once_while_the_others_are_in_flight_and_their_slots_come_back()
    {
        await using var exporter = await tenant.StartExporterAsync("--Web:MaxConcurrentScrapes=2",
            "--Web:MinResponseBytesPerSecond=0");
        Assert.Equal((200, true), await ScrapeAsync(exporter));

        using (var first = await RawScrape.StartAsync(exporter.Port))
        using (var second = await RawScrape.StartAsync(exporter.Port))
        {
            Assert.Equal((200, 200), (first.Status, second.Status));
            Assert.True(first.ContentLength > MinimumBytes,
                $"the tenant's scrape is {first.ContentLength} bytes, too small to stall a reader");

            var watch = Stopwatch.StartNew();
            var (status, body) = await exporter.GetAsync("/metrics");
            Assert.Equal(503, status);
            Assert.Equal("too many concurrent scrapes (Web:MaxConcurrentScrapes is 2)\n", body);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the refusal took {watch.Elapsed}");
            Assert.Equal(200, (await exporter.GetAsync("/healthz")).Status);

            // The two stalled scrapes were still in flight the whole time.
            Assert.False(first.Complete || second.Complete);
        }

        // The readers went away: their slots are released and a scrape is served whole.
        var served = (0, false);
        for (var i = 0; i < 50 && served.Item1 != 200; i++)
        {
            served = await ScrapeAsync(exporter);
            if (served.Item1 != 200) await Task.Delay(100);
        }
        Assert.Equal((200, true), served);
    }

    [Fact]
    public async Task A_reader_that_stalls_is_cut_off_after_ScrapeTimeout_and_frees_its_slot()
    {
        await using var exporter = await tenant.StartExporterAsync("--Web:ScrapeTimeout=00:00:02",
            "--Web:MaxConcurrentScrapes=1", "--Web:MinResponseBytesPerSecond=0");

        using var stalled = await RawScrape.StartAsync(exporter.Port);
        Assert.Equal(200, stalled.Status);
        await Task.Delay(TimeSpan.FromSeconds(6));

        await stalled.DrainAsync(TimeSpan.FromSeconds(20));
        Assert.True(stalled.Ended, "the connection is still open");
        Assert.False(stalled.Complete, $"the whole body ({stalled.ContentLength} bytes) arrived");
        await AssertLoggedAsync(exporter, "not read within Web:ScrapeTimeout (00:00:02); connection closed");
        // The only slot is free again.
        Assert.Equal(200, (await ScrapeAsync(exporter)).Status);
    }

    [Fact]
    public async Task Readers_slower_than_MinResponseBytesPerSecond_are_cut_off_while_others_are_served()
    {
        // ScrapeTimeout is long, so it is the data rate that ends the slow scrapes.
        await using var exporter = await tenant.StartExporterAsync("--Web:MinResponseBytesPerSecond=32768",
            "--Web:ScrapeTimeout=00:10:00");

        using var stalled = await RawScrape.StartAsync(exporter.Port);
        using var slow = await RawScrape.StartAsync(exporter.Port);
        Assert.Equal((200, 200), (stalled.Status, slow.Status));

        // The slow reader takes 1 KiB every 250 ms (4 KiB/s); meanwhile, full-speed scrapes are served whole.
        var watch = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var slowReader = Task.Run(async () =>
        {
            while (await slow.ReadAsync(1024, limit.Token) && !slow.Complete) await Task.Delay(250, limit.Token);
        });
        for (var i = 0; i < 3; i++)
            Assert.Equal((200, true), await ScrapeAsync(exporter));
        try { await slowReader; }
        catch (OperationCanceledException) { }

        Assert.True(slow.Ended, $"the slow reader was still connected after {watch.Elapsed}, {slow.Received} bytes in");
        Assert.False(slow.Complete);
        await stalled.DrainAsync(TimeSpan.FromSeconds(20));
        Assert.True(stalled.Ended, "the stalled reader is still connected");
        Assert.False(stalled.Complete);

        Assert.Equal((200, true), await ScrapeAsync(exporter));
        await AssertLoggedAsync(exporter, "read slower than Web:MinResponseBytesPerSecond (32768); connection closed");
    }
}
