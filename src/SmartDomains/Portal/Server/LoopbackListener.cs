using System.Net;
using System.Net.Sockets;

namespace SmartDomains.Portal.Server;

/// <summary>Opens the HttpListener on one address and port; port 0 picks a free one (HttpListener itself cannot).</summary>
internal static class LoopbackListener
{
    private const int Attempts = 10;

    public static (HttpListener Listener, int Port) Open(IPAddress address, int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port != 0 ? port : FreePort(address);
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add($"http://{Authority(address, chosen)}/");
            try
            {
                listener.Start();
                return (listener, chosen);
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                // Another program can take a free port between the look and the bind: look again.
                if (port == 0 && attempt < Attempts) continue;
                throw new PortalStartException(XenErrorIds.PortalStartFailed, $"The portal cannot listen on {Authority(address, chosen)}: {ex.Message}",
                    port == 0 ? null : "Pick another -Port, or leave it at 0 so that the system picks a free one.", ex);
            }
        }
    }

    /// <summary>"127.0.0.1:8080", "[::1]:8080"; on Windows loopback is "localhost", the one name http.sys lets a user without
    /// administrator rights register (not tested here).</summary>
    public static string Authority(IPAddress address, int port)
    {
        if (OperatingSystem.IsWindows() && IPAddress.IsLoopback(address)) return $"localhost:{port}";
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    private static int FreePort(IPAddress address)
    {
        var probe = new TcpListener(address, 0);
        probe.Start();
        try { return ((IPEndPoint)probe.LocalEndpoint).Port; }
        finally { probe.Stop(); }
    }
}
