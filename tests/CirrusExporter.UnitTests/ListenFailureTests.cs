using System.Net.Sockets;
using CirrusExporter.Hosting;
using Microsoft.AspNetCore.Connections;

namespace CirrusExporter.UnitTests;

public sealed class ListenFailureTests
{
    private static IOException Bind(Exception inner)
        => new("Failed to bind to address http://127.0.0.1:80: permission denied.", inner);

    [Fact]
    public void An_address_in_use_says_so()
    {
        Assert.Equal("the address is already in use by another process; stop it or choose a free port",
            ListenFailure.Describe(Bind(new AddressInUseException("Address already in use"))));
    }

    [Theory]
    [InlineData(SocketError.AccessDenied, "permission denied")]
    [InlineData(SocketError.AddressNotAvailable, "not one of this machine's")]
    public void Socket_errors_of_a_bind_are_explained(SocketError error, string expected)
    {
        Assert.Contains(expected, ListenFailure.Describe(Bind(new SocketException((int)error))));
    }

    [Fact]
    public void Other_failures_are_not_bind_failures()
    {
        Assert.Null(ListenFailure.Describe(new IOException("disk full")));
        Assert.Null(ListenFailure.Describe(new InvalidOperationException("Failed to bind to address")));
        Assert.Null(ListenFailure.Describe(null));
    }
}
