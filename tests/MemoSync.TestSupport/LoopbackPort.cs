using System.Net;
using System.Net.Sockets;

namespace MemoSync.TestSupport;

/// <summary>Loopback ports for tests.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on now: a connection to it is refused (until something else takes it).</summary>
    public static int Unused()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
