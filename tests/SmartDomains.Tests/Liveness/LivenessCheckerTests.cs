using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json.Linq;
using SmartDomains.Liveness;
using SmartDomains.Model;
using Xunit;

namespace SmartDomains.Tests.Liveness;

/// <summary>LivenessChecker against emulated hosts over the local transport: real xl processes, real stand-in guests, real TCP.</summary>
public class LivenessCheckerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static LivenessCheck Check(string name, string? address = null, bool banner = false, double probeSeconds = 2) => new()
    {
        Domain = name, Address = address, Port = LivenessHost.GuestPort, CheckBanner = banner,
        ProbeTimeout = TimeSpan.FromSeconds(probeSeconds),
    };

    [Fact]
    public async Task AliveGuestPassesAllChecksWithTimings()
    {
        using var h = new LivenessHost();
        var ip = LivenessHost.NewAddress();
        await h.CreateAsync("web", ip);
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("web", banner: true), Wait, Interval, default);
        Assert.True(r.Alive, r.Message);
        Assert.Equal(LivenessFailure.None, r.Failure);
        Assert.Equal("web", r.Domain);
        Assert.Equal("live1", r.Host);
        Assert.True(r.State is DomainState.Running or DomainState.Blocked);
        Assert.Equal(ip, r.Address);
        Assert.Equal(LivenessHost.GuestPort, r.Port);
        Assert.StartsWith("SSH-2.0-SmartDomainsGuest", r.Banner);
        Assert.DoesNotContain("\r", r.Banner);
        Assert.True(r.XlStateTime > TimeSpan.Zero);
        Assert.NotNull(r.TcpTime);
        Assert.True(r.TcpTime > TimeSpan.Zero && r.TcpTime < TimeSpan.FromSeconds(2));
        Assert.NotNull(r.BannerTime);
        Assert.True(r.Attempts >= 1);
        Assert.True(r.Elapsed >= r.XlStateTime);
        Assert.Contains("alive", r.Message);

        // Once up, a single check passes too, and says so.
        var once = await LivenessChecker.CheckOnceAsync(h.Connection, Check("web"), default);
        Assert.True(once.Alive, once.Message);
        Assert.Equal(1, once.Attempts);
        Assert.Null(once.BannerTime);
        Assert.Null(once.Banner);
    }

    [Fact]
    public async Task A_wait_finds_a_booting_guest_in_one_attempt_as_dom0_retries_the_connect()
    {
        // The guest listens 1.2 s after create. A single check right away fails; a wait's probe keeps trying on dom0, so
        // it finds the guest in its first attempt instead of one interval (here 30 s) later.
        using var h = new LivenessHost(s => s["guest_boot_delay_ms"] = 1200);
        var ip = LivenessHost.NewAddress();
        await h.CreateAsync("slow", ip);
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("slow"), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), default);
        Assert.True(r.Alive, r.Message);
        Assert.Equal(1, r.Attempts);
        Assert.True(r.TcpTime < TimeSpan.FromSeconds(1), $"the last connect attempt took {r.TcpTime}");
    }

    [Fact]
    public async Task GuestThatNeverAnswersIsTcpRefusedAndTimesOut()
    {
        using var h = new LivenessHost(s => s["faults"]!["guest_never_answers"] = new JArray("mute"));
        var ip = LivenessHost.NewAddress();
        await h.CreateAsync("mute", ip);
        var once = await LivenessChecker.CheckOnceAsync(h.Connection, Check("mute"), default);
        Assert.False(once.Alive);
        Assert.Equal(LivenessFailure.TcpRefused, once.Failure);
        Assert.Contains("refused", once.Message);
        Assert.Contains(ip, once.Message);
        Assert.NotNull(once.TcpTime);

        var watch = Stopwatch.StartNew();
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("mute"), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(200), default);
        Assert.False(r.Alive);
        Assert.Equal(LivenessFailure.TcpRefused, r.Failure);
        Assert.True(r.Attempts >= 1, $"{r.Attempts} attempts");
        // It waits out the 2 s timeout; the check running then finishes (bounded by its 3 s probe timeout), however loaded the machine.
        Assert.True(r.Elapsed >= TimeSpan.FromSeconds(1.9), $"elapsed {r.Elapsed}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.Contains("not alive after", r.Message);
    }

    [Fact]
    public async Task CrashAfterBootIsCrashedAndWaitReturnsEarly()
    {
        using var h = new LivenessHost(s => s["faults"]!["crash_after_boot_s"] = new JObject { ["boom"] = 0.8 });
        await h.CreateAsync("boom", LivenessHost.NewAddress(), "on_crash = \"preserve\"\n");
        var watch = Stopwatch.StartNew();
        // 127.0.0.1 on the guest port refuses, so the wait keeps checking until the crash stops it, long before its timeout.
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("boom", address: "127.0.0.1"), TimeSpan.FromSeconds(30), Interval, default);
        Assert.False(r.Alive);
        Assert.Equal(LivenessFailure.Crashed, r.Failure);
        Assert.Equal(DomainState.Crashed, r.State);
        Assert.Contains("crashed", r.Message);
        // Stopped by the crash, not by the 30 s timeout (however slow a loaded machine makes each attempt).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"the wait must stop at the crash, took {watch.Elapsed}");
        Assert.DoesNotContain("not alive after", r.Message);
    }

    [Fact]
    public async Task WaitStopsAtOnceForACrashedDomain()
    {
        using var h = new LivenessHost(s => s["faults"]!["crash_after_boot_s"] = new JObject { ["dead"] = 0.1 });
        await h.CreateAsync("dead", LivenessHost.NewAddress(), "on_crash = \"preserve\"\n");
        await Task.Delay(400);
        var watch = Stopwatch.StartNew();
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("dead", banner: true), TimeSpan.FromSeconds(30), Interval, default);
        Assert.Equal(LivenessFailure.Crashed, r.Failure);
        Assert.Equal(1, r.Attempts);
        Assert.Null(r.TcpTime);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CrashWithDefaultOnCrashDestroysAndTheWaitEndsAsNotFound()
    {
        using var h = new LivenessHost(s => s["faults"]!["crash_after_boot_s"] = new JObject { ["gone"] = 0.3 });
        await h.CreateAsync("gone", LivenessHost.NewAddress());
        var watch = Stopwatch.StartNew();
        var r = await LivenessChecker.WaitAsync(h.Connection, Check("gone", address: "127.0.0.1"), TimeSpan.FromSeconds(30), Interval, default);
        // 127.0.0.1 on the guest port refuses, so the wait keeps going until the domain is destroyed by its crash.
        Assert.Equal(LivenessFailure.NotFound, r.Failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task PausedDomainIsNotRunning()
    {
        using var h = new LivenessHost();
        await h.CreateAsync("sleepy", LivenessHost.NewAddress());
        await h.XlAsync("pause", "sleepy");
        var r = await LivenessChecker.CheckOnceAsync(h.Connection, Check("sleepy"), default);
        Assert.False(r.Alive);
        Assert.Equal(LivenessFailure.NotRunning, r.Failure);
        Assert.Equal(DomainState.Paused, r.State);
        Assert.Contains("Paused", r.Message);
        Assert.Null(r.TcpTime);

        await h.XlAsync("unpause", "sleepy");
        var up = await LivenessChecker.WaitAsync(h.Connection, Check("sleepy"), Wait, Interval, default);
        Assert.True(up.Alive, up.Message);
    }

    [Fact]
    public async Task MissingDomainIsNotFound()
    {
        using var h = new LivenessHost();
        var r = await LivenessChecker.CheckOnceAsync(h.Connection, Check("nobody"), default);
        Assert.False(r.Alive);
        Assert.Equal(LivenessFailure.NotFound, r.Failure);
        Assert.Null(r.State);
        Assert.Contains("nobody", r.Message);
        Assert.True(r.XlStateTime > TimeSpan.Zero);

        var watch = Stopwatch.StartNew();
        var w = await LivenessChecker.WaitAsync(h.Connection, Check("nobody"), TimeSpan.FromSeconds(30), Interval, default);
        Assert.Equal(LivenessFailure.NotFound, w.Failure);
        Assert.Equal(1, w.Attempts);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StateOnlyChecksNoNetwork()
    {
        using var h = new LivenessHost();
        await h.CreateAsync("plain");   // no vif: no address
        var noAddr = await LivenessChecker.CheckOnceAsync(h.Connection, Check("plain"), default);
        Assert.Equal(LivenessFailure.NoAddress, noAddr.Failure);
        Assert.Contains("ip=", noAddr.Message);
        var watch = Stopwatch.StartNew();
        var waited = await LivenessChecker.WaitAsync(h.Connection, Check("plain"), TimeSpan.FromSeconds(30), Interval, default);
        Assert.Equal(LivenessFailure.NoAddress, waited.Failure);
        Assert.Equal(1, waited.Attempts);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "no address is final: the wait stops at once");

        var r = await LivenessChecker.CheckOnceAsync(h.Connection, new LivenessCheck { Domain = "plain", StateOnly = true }, default);
        Assert.True(r.Alive, r.Message);
        Assert.Null(r.TcpTime);
        Assert.Null(r.Address);
    }

    [Fact]
    public async Task BannerThatIsNotSshIsAMismatch_AndSilenceIsToo()
    {
        using var h = new LivenessHost();
        await h.CreateAsync("httpd");
        var ip = LivenessHost.NewAddress();
        var listener = new TcpListener(IPAddress.Parse(ip), 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var silent = new List<TcpClient>();
        var serve = Task.Run(async () =>
        {
            var c1 = await listener.AcceptTcpClientAsync();
            await c1.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.0 400 Bad Request\r\n"));
            c1.Dispose();
            silent.Add(await listener.AcceptTcpClientAsync());   // accepts, never writes
        });
        try
        {
            var check = new LivenessCheck { Domain = "httpd", Address = ip, Port = port, CheckBanner = true, ProbeTimeout = TimeSpan.FromSeconds(1) };
            var r = await LivenessChecker.CheckOnceAsync(h.Connection, check, default);
            Assert.Equal(LivenessFailure.BannerMismatch, r.Failure);
            Assert.Equal("HTTP/1.0 400 Bad Request", r.Banner);
            Assert.Contains("does not start with 'SSH-'", r.Message);
            Assert.NotNull(r.TcpTime);
            Assert.NotNull(r.BannerTime);

            var watch = Stopwatch.StartNew();
            var quiet = await LivenessChecker.CheckOnceAsync(h.Connection, check, default);
            Assert.Equal(LivenessFailure.BannerMismatch, quiet.Failure);
            Assert.Contains("no line within 1 s", quiet.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");

            // Without the banner check the same listener is alive: TCP alone.
            var tcpOnly = await LivenessChecker.CheckOnceAsync(h.Connection,
                new LivenessCheck { Domain = "httpd", Address = ip, Port = port, ProbeTimeout = TimeSpan.FromSeconds(1) }, default);
            Assert.True(tcpOnly.Alive, tcpOnly.Message);
        }
        finally
        {
            listener.Stop();
            silent.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task ConnectThatHangsIsTcpTimeoutWithinTheProbeTimeout()
    {
        using var h = new LivenessHost();
        await h.CreateAsync("hang");
        var ip = LivenessHost.NewAddress();
        // A listener that never accepts, with its backlog filled: Linux drops further SYNs, so connects hang.
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Parse(ip), 0));
        server.Listen(0);
        int port = ((IPEndPoint)server.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(s);
                _ = s.ConnectAsync(ip, port);
            }
            await Task.Delay(200);
            var watch = Stopwatch.StartNew();
            var r = await LivenessChecker.CheckOnceAsync(h.Connection,
                new LivenessCheck { Domain = "hang", Address = ip, Port = port, ProbeTimeout = TimeSpan.FromSeconds(1) }, default);
            Assert.Equal(LivenessFailure.TcpTimeout, r.Failure);
            Assert.Contains("within 1 s", r.Message);
            Assert.NotNull(r.TcpTime);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        }
        finally { fillers.ForEach(s => s.Dispose()); }
    }

    [Fact]
    public async Task HostileAddressIsRejectedBeforeAnythingRuns()
    {
        using var h = new LivenessHost();
        await h.CreateAsync("victim", LivenessHost.NewAddress());
        var marker = Path.Combine(Path.GetTempPath(), "sd-liveness-pwned-" + Guid.NewGuid().ToString("N"));
        foreach (var hostile in new[] { $"127.0.0.1; touch {marker}", $"$(touch {marker})", $"127.0.0.1`touch {marker}`", "127.1", "localhost" })
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() =>
                LivenessChecker.CheckOnceAsync(h.Connection, Check("victim", address: hostile), default));
        }
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task HostileNamesAndVifAddressesAreNeverExecuted()
    {
        using var h = new LivenessHost();
        var marker = Path.Combine(Path.GetTempPath(), "sd-liveness-pwned-" + Guid.NewGuid().ToString("N"));
        var byName = await LivenessChecker.CheckOnceAsync(h.Connection, Check($"x; touch {marker}"), default);
        Assert.Equal(LivenessFailure.NotFound, byName.Failure);

        // A vif ip= that is not an address is reported, not probed.
        await h.CreateAsync("odd", $"127.0.0.1;touch {marker}");
        var odd = await LivenessChecker.CheckOnceAsync(h.Connection, Check("odd"), default);
        Assert.Equal(LivenessFailure.NoAddress, odd.Failure);
        Assert.Contains("not an IP address", odd.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task BadArgumentsAreRejected()
    {
        using var h = new LivenessHost();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => LivenessChecker.CheckOnceAsync(h.Connection, new LivenessCheck { Domain = "" }, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => LivenessChecker.CheckOnceAsync(h.Connection, new LivenessCheck { Domain = "a", Port = 0 }, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => LivenessChecker.CheckOnceAsync(h.Connection, new LivenessCheck { Domain = "a", ProbeTimeout = TimeSpan.Zero }, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => LivenessChecker.WaitAsync(h.Connection, new LivenessCheck { Domain = "a" }, TimeSpan.FromSeconds(1), TimeSpan.Zero, default));
    }

    [Fact]
    public void CanonicalAddressAcceptsOnlyLiteralAddresses()
    {
        Assert.Equal("10.231.4.50", LivenessChecker.CanonicalAddress(" 10.231.4.50 "));
        Assert.Equal("::1", LivenessChecker.CanonicalAddress("0:0::1"));
        Assert.Null(LivenessChecker.CanonicalAddress("127.1"));
        Assert.Null(LivenessChecker.CanonicalAddress("0x7f.0.0.1x"));
        Assert.Null(LivenessChecker.CanonicalAddress("fe80::1%eth0"));
        Assert.Null(LivenessChecker.CanonicalAddress("host.example"));
        Assert.Null(LivenessChecker.CanonicalAddress(""));
        Assert.Null(LivenessChecker.CanonicalAddress(null));
    }

    [Fact]
    public async Task CancellationStopsAWait()
    {
        using var h = new LivenessHost(s => s["faults"]!["guest_never_answers"] = new JArray("*"));
        await h.CreateAsync("slow", LivenessHost.NewAddress());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LivenessChecker.WaitAsync(h.Connection, Check("slow"), TimeSpan.FromSeconds(30), Interval, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }
}
