using System.Net.Sockets;
using CirrusExporter.Api;

namespace CirrusExporter.Http;

/// <summary>
/// Words for transport failures, written where the request's host is still known: connection refused,
/// reset, DNS, TLS, a body cut short. Never a bare exception type name.
/// </summary>
public static class TransportFailure
{
    public static string Describe(HttpRequestException e, Uri? target)
    {
        var host = target?.Authority ?? "the API";
        var socket = Find<SocketException>(e)?.SocketErrorCode;
        return "network error: " + (e.HttpRequestError, socket) switch
        {
            (HttpRequestError.NameResolutionError, _) =>
                $"DNS lookup of {target?.Host ?? host} failed ({Innermost(e)})",
            (HttpRequestError.SecureConnectionError, _) => $"TLS handshake with {host} failed ({Innermost(e)})",
            (_, SocketError.ConnectionRefused) => $"connection refused by {host}",
            (_, SocketError.ConnectionReset) => $"connection reset by {host}",
            (_, SocketError.TimedOut) => $"connecting to {host} timed out",
            (_, SocketError.HostUnreachable or SocketError.NetworkUnreachable) => $"{host} is unreachable ({socket})",
            (HttpRequestError.ConnectionError, _) => $"could not connect to {host} ({Innermost(e)})",
            (HttpRequestError.ResponseEnded, _) => $"{host} closed the connection before a complete response",
            (HttpRequestError.InvalidResponse, _) => $"{host} did not answer valid HTTP ({Innermost(e)})",
            _ => $"request to {host} failed ({Innermost(e)})",
        };
    }

    /// <summary>A read of the body that failed after the headers had arrived.</summary>
    public static string DescribeBodyFailure(Exception e, Uri? target, long received, long? declared)
    {
        var host = target?.Authority ?? "the API";
        var what = Find<SocketException>(e)?.SocketErrorCode == SocketError.ConnectionReset
                ? $"connection reset by {host}"
            : e is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }
                ? $"{host} closed the connection"
            : $"{Innermost(e)}";
        return $"network error: {what} while reading the response body ({Received(received, declared)})";
    }

    internal static string Received(long received, long? declared) =>
        declared is { } d ? $"{received} of {d} bytes received" : $"{received} bytes received";

    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return UpstreamText.Safe(e.Message, 200);
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }
}

/// <summary>
/// The attempt's token fired while the body was still arriving. An <see cref="OperationCanceledException"/>,
/// so the attempt timeout turns it into a retryable timeout and the message says which phase it hit.
/// </summary>
public sealed class ResponseBodyTimeoutException(
    long received, long? declared, Exception inner, CancellationToken token)
    : OperationCanceledException(
        $"while reading the response body ({TransportFailure.Received(received, declared)})", inner, token);
