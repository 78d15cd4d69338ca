using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace CirrusExporter.Hosting;

/// <summary>
/// Kestrel's failure to bind Web:ListenAddress, in words. Start-up turns it into one line and exit code 2,
/// like a configuration error, instead of a stack trace.
/// </summary>
public static class ListenFailure
{
    public static string? Describe(Exception? e)
    {
        if (e is not IOException { Message: var message }
            || !message.StartsWith("Failed to bind to address", StringComparison.Ordinal))
        {
            return null;
        }
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case AddressInUseException:
                    return "the address is already in use by another process; stop it or choose a free port";
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                    return "permission denied; ports below 1024 need privileges, choose a port above 1023";
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable }:
                    return "the address is not one of this machine's; use 0.0.0.0, 127.0.0.1 or an address of a local "
                        + "interface";
            }
        }
        return e.InnerException?.Message ?? message;
    }
}
