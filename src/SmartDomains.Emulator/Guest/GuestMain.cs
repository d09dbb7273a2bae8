using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Guest;

/// <summary>
/// The stand-in guest: after the boot delay it accepts TCP on each vif ip= address and guest port, writes an
/// SSH-like banner and closes. It polls state and stops listening while paused; it exits once its domain is
/// gone, crashed or shut down. Addresses that are not local are added to lo (root, test namespaces only).
/// </summary>
public static class GuestMain
{
    private static readonly byte[] Banner = Encoding.ASCII.GetBytes("SSH-2.0-SmartDomainsGuest\r\n");

    public static int Run(string stateDir, int domid)
    {
        var settings = EmulatorSettings.Load(stateDir);
        var store = new StateStore(stateDir);
        var me = store.Peek().ByDomid(domid);
        if (me is null) return 0;
        string name = me.Name, uuid = me.Uuid;
        Thread.Sleep(settings.GuestBootDelayMs);
        var added = new List<string>();
        var listeners = new List<TcpListener>();
        try
        {
            for (long tick = 0; ; tick++)
            {
                if (tick % 4 != 0) { foreach (var l in listeners) AcceptPending(l); Thread.Sleep(50); continue; }
                // State is polled every ~200 ms; connections are accepted every 50 ms.
                var d = store.Peek().Domains.FirstOrDefault(x => x.Uuid == uuid);
                if (d is null || d.Status is DomainStatus.Crashed or DomainStatus.Shutdown or DomainStatus.Dying) return 0;
                bool answer = d.Status is DomainStatus.Running or DomainStatus.ShuttingDown && !settings.Faults.NeverAnswers(name);
                if (answer && listeners.Count == 0) listeners = Listen(d.Spec.GuestAddresses, settings.GuestPorts, added);
                if (!answer && listeners.Count > 0) { listeners.ForEach(l => l.Stop()); listeners.Clear(); }
                foreach (var l in listeners) AcceptPending(l);
                Thread.Sleep(50);
            }
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
            foreach (var a in added) RunIp("addr", "del", a + "/32", "dev", "lo");
        }
    }

    private static List<TcpListener> Listen(IEnumerable<string> addresses, List<int> ports, List<string> added)
    {
        var result = new List<TcpListener>();
        foreach (var addr in addresses.Distinct())
        {
            if (!IPAddress.TryParse(addr, out var ip)) continue;
            foreach (var port in ports)
            {
                var l = TryListen(ip, port);
                if (l is null && !added.Contains(addr) && RunIp("addr", "add", addr + "/32", "dev", "lo"))
                {
                    added.Add(addr);
                    l = TryListen(ip, port);
                }
                if (l != null) result.Add(l);
            }
        }
        return result;
    }

    private static TcpListener? TryListen(IPAddress ip, int port)
    {
        try
        {
            var l = new TcpListener(ip, port);
            l.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            l.Start();
            return l;
        }
        catch (SocketException) { return null; }
    }

    private static void AcceptPending(TcpListener l)
    {
        while (l.Pending())
        {
            using var c = l.AcceptTcpClient();
            try { c.GetStream().Write(Banner); } catch (IOException) { }
        }
    }

    private static bool RunIp(params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.WaitForExit(5000);
            return p.ExitCode == 0;
        }
        catch (Exception) { return false; }
    }
}
