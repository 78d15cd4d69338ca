using System.Net.Sockets;
using CirrusExporter.Http;

namespace CirrusExporter.UnitTests;

/// <summary>
/// The words for failures the contract tests cannot cause on 127.0.0.1 alone (DNS, unreachable networks).
/// </summary>
public sealed class TransportFailureTests
{
    private static readonly Uri Api = new("https://api.commbox.io/stats/streams");

    [Fact]
    public void A_failed_dns_lookup_names_the_host()
    {
        var e = new HttpRequestException(HttpRequestError.NameResolutionError,
            "Name or service not known (api.commbox.io:443)", new SocketException((int)SocketError.HostNotFound));

        Assert.Equal("network error: DNS lookup of api.commbox.io failed ("
            + new SocketException((int)SocketError.HostNotFound).Message + ")", TransportFailure.Describe(e, Api));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "network error: connection refused by api.commbox.io")]
    [InlineData(SocketError.NetworkUnreachable, "network error: api.commbox.io is unreachable (NetworkUnreachable)")]
    [InlineData(SocketError.TimedOut, "network error: connecting to api.commbox.io timed out")]
    public void Connect_failures_name_the_host_and_what_happened(SocketError error, string expected)
    {
        var e = new HttpRequestException(HttpRequestError.ConnectionError, "connect failed",
            new SocketException((int)error));

        Assert.Equal(expected, TransportFailure.Describe(e, Api));
    }

    [Fact]
    public void A_body_cut_short_says_how_much_arrived()
    {
        var e = new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely");

        Assert.Equal("network error: api.commbox.io closed the connection while reading the response body (10 of 300 "
            + "bytes received)",
            TransportFailure.DescribeBodyFailure(e, Api, 10, 300));
    }

    [Fact]
    public void Exception_text_in_the_description_is_escaped()
    {
        var e = new HttpRequestException(HttpRequestError.InvalidResponse, "bad", new IOException("line1\nline2"));

        Assert.Equal(@"network error: api.commbox.io did not answer valid HTTP (line1\nline2)",
            TransportFailure.Describe(e, Api));
    }
}
