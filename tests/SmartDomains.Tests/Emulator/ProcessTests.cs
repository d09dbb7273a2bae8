using System.Diagnostics;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;
using SmartDomains.Emulator;
using Xunit;

namespace SmartDomains.Tests.Emulator;

/// <summary>
/// The real xl.dll as separate processes: detachment of the stand-in guest, its TCP listener on a 127.x address,
/// and concurrent creates from many processes.
/// </summary>
public class ProcessTests
{
    private static readonly string XlDll = typeof(EmulatorProgram).Assembly.Location;

    /// <summary>
    /// The published emulator when SMARTDOMAINS_EMULATOR_DIR names one (build.ps1 sets it, so these run the NativeAOT xl
    /// there), else this build's xl.dll under dotnet.
    /// </summary>
    internal static string? PublishedXl =>
        Environment.GetEnvironmentVariable("SMARTDOMAINS_EMULATOR_DIR") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "xl"))
            ? Path.Combine(dir, "xl") : null;

    internal static ProcessStartInfo XlStartInfo()
    {
        var psi = new ProcessStartInfo(PublishedXl ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (PublishedXl is null) psi.ArgumentList.Add(XlDll);
        return psi;
    }

    private static (int Code, string Out, string Err, TimeSpan Took) RunXl(string stateDir, params string[] args)
    {
        var psi = XlStartInfo();
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["XL_EMULATOR_DIR"] = stateDir;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        // ReadToEnd only returns when every holder of the pipes has closed them: a guest that kept
        // our stdout would make this hang, as it would hang an SSH session.
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        Assert.True(Task.WaitAll(new Task[] { outTask, errTask }, TimeSpan.FromSeconds(30)), "xl's output pipes were held open");
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result, sw.Elapsed);
    }

    private static bool Connects(string ip, int port, out string banner)
    {
        banner = "";
        try
        {
            using var c = new TcpClient();
            if (!c.ConnectAsync(ip, port).Wait(1000)) return false;
            var buf = new byte[64];
            int n = c.GetStream().Read(buf, 0, buf.Length);
            banner = System.Text.Encoding.ASCII.GetString(buf, 0, n);
            return true;
        }
        catch (Exception e) when (e is SocketException or AggregateException or IOException) { return false; }
    }

    [Fact]
    public void GuestAnswersAfterBootAndStopsAfterDestroy()
    {
        using var h = new EmulatorHost(s => { s["guest_boot_delay_ms"] = 1500; s["guest_ports"] = new JArray(22022); });
        string ip = $"127.{Random.Shared.Next(10, 250)}.{Random.Shared.Next(1, 250)}.7";
        var cfg = h.Pv("g1", extra: $"vif = [ 'ip={ip}' ]\n");
        var r = RunXl(h.StateDir, "create", cfg);
        Assert.Equal(0, r.Code);
        Assert.True(r.Took < TimeSpan.FromSeconds(10));
        Assert.False(Connects(ip, 22022, out _), "the guest must not answer before its boot delay");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string banner = "";
        while (DateTime.UtcNow < deadline && !Connects(ip, 22022, out banner)) Thread.Sleep(100);
        Assert.StartsWith("SSH-2.0-SmartDomainsGuest", banner);

        Assert.Equal(0, RunXl(h.StateDir, "destroy", "g1").Code);
        Thread.Sleep(300);
        Assert.False(Connects(ip, 22022, out _), "a destroyed domain's guest must stop answering");
    }

    [Fact]
    public void GuestNeverAnswersFault()
    {
        using var h = new EmulatorHost(s =>
        {
            s["guest_boot_delay_ms"] = 50; s["guest_ports"] = new JArray(22023);
            s["faults"]!["guest_never_answers"] = new JArray("*");
        });
        string ip = $"127.{Random.Shared.Next(10, 250)}.{Random.Shared.Next(1, 250)}.8";
        Assert.Equal(0, RunXl(h.StateDir, "create", "-q", h.Pv("g2", extra: $"vif = [ 'ip={ip}' ]\n")).Code);
        Thread.Sleep(700);
        Assert.False(Connects(ip, 22023, out _));
        RunXl(h.StateDir, "destroy", "g2");
    }

    [Fact]
    public void ParallelCreatesFromSeparateProcessesKeepStateConsistent()
    {
        using var h = new EmulatorHost();
        var cfgs = Enumerable.Range(0, 8).Select(i => h.Pv($"par{i}", 64)).ToList();
        var results = cfgs.AsParallel().WithDegreeOfParallelism(8).Select(c => RunXl(h.StateDir, "create", "-q", c).Code).ToList();
        Assert.All(results, rc => Assert.Equal(0, rc));
        var list = h.Xl("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        Assert.Equal(8, list.Count);
        var ids = list.Select(l => int.Parse(l.Substring(41, 5).Trim())).OrderBy(x => x).ToList();
        Assert.Equal(Enumerable.Range(1, 8), ids);
        Assert.Equal(8, h.LogLines().Count(l => l.Contains("\txl create -q ")));
        Assert.Equal((16384 - 1024 - 8 * 64) + "\n", h.Xl("info", "free_memory").Out);
    }

    [Fact]
    public void WrapperScriptIsShippedExecutable()
    {
        var script = Path.Combine(Path.GetDirectoryName(XlDll)!, "xl");
        Assert.True(File.Exists(script));
        Assert.Contains("exec dotnet", File.ReadAllText(script));
    }
}
