using System.Net;
using System.Net.Sockets;

namespace Billing.Tests.Shared;

/// <summary>Loopback TCP ports nobody listens on, for the servers and emulators tests start.</summary>
public static class FreePort
{
    /// <summary>
    /// A port the OS just handed out and released again. Another process could take it before the caller binds it;
    /// callers that bind themselves retry on a clash, the others accept that rare failure.
    /// </summary>
    public static int Find()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
