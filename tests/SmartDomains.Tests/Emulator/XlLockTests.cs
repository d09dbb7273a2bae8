using System.Diagnostics;
using SmartDomains.Emulator;
using Xunit;

namespace SmartDomains.Tests.Emulator;

/// <summary>
/// Creates and restores hold a per-host lock as xl's lockfile does (xl_vmcontrol.c), with the configured latency spent
/// inside it: on one host they run one at a time, on two hosts side by side. The test holds the lock itself where it can,
/// so most checks wait on the lock, not on a clock.
/// </summary>
public class XlLockTests
{
    private static IDisposable HoldLock(EmulatorHost h) => LockFile.Acquire(Path.Combine(h.StateDir, "xl.lock"));

    /// <summary>On a thread of its own: creates sleep, and on a busy thread pool two of them would queue, not the lock.</summary>
    private static Task<EmulatorHost.Result> Start(Func<EmulatorHost.Result> xl) =>
        Task.Factory.StartNew(xl, TaskCreationOptions.LongRunning);

    private static bool Listed(EmulatorHost h, string name) => h.Xl("list").Out.Contains(name + " ");

    [Fact]
    public void CreateWaitsForItsHostsLockAndNotForAnothers()
    {
        using var a = new EmulatorHost();
        using var b = new EmulatorHost();
        var held = HoldLock(a);
        var onA = Start(() => a.Xl("create", "-q", a.Pv("la")));
        Assert.Equal(0, b.Xl("create", "-q", b.Pv("lb")).Code);
        Assert.False(onA.Wait(500), "a create must wait while its host's xl lock is held");
        Assert.False(Listed(a, "la"));
        held.Dispose();
        Assert.True(onA.Wait(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, onA.Result.Code);
        Assert.True(Listed(a, "la"));
    }

    [Fact]
    public void RestoreWaitsForTheLock()
    {
        using var h = new EmulatorHost();
        Assert.Equal(0, h.Xl("create", "-q", h.Pv("rs")).Code);
        var file = Path.Combine(h.Dir, "rs.save");
        Assert.Equal(0, h.Xl("save", "rs", file).Code);
        var held = HoldLock(h);
        var restore = Start(() => h.Xl("restore", file));
        Assert.False(restore.Wait(500), "a restore must wait while the host's xl lock is held");
        held.Dispose();
        Assert.True(restore.Wait(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, restore.Result.Code);
        Assert.True(Listed(h, "rs"));
    }

    [Fact]
    public void CreateLatencyIsSpentInsideTheLock()
    {
        const int latency = 700;
        using var one = new EmulatorHost(s => s["latency_ms"]!["create"] = latency);
        using var a = new EmulatorHost(s => s["latency_ms"]!["create"] = 4 * latency);
        using var b = new EmulatorHost(s => s["latency_ms"]!["create"] = 4 * latency);

        var sw = Stopwatch.StartNew();
        var same = new[] { "s1", "s2" }.Select(n => Start(() => one.Xl("create", "-q", one.Pv(n)))).ToArray();
        Task.WaitAll(same);
        Assert.All(same, t => Assert.Equal(0, t.Result.Code));
        Assert.True(sw.ElapsedMilliseconds >= 2 * latency, $"two creates on one host overlapped: {sw.ElapsedMilliseconds} ms");

        // Two hosts side by side: well under the 8 x latency that running them one after the other would take.
        sw.Restart();
        var apart = new[] { Start(() => a.Xl("create", "-q", a.Pv("t1"))), Start(() => b.Xl("create", "-q", b.Pv("t2"))) };
        Task.WaitAll(apart);
        Assert.All(apart, t => Assert.Equal(0, t.Result.Code));
        Assert.True(sw.ElapsedMilliseconds < 7 * latency, $"creates on two hosts were serialised: {sw.ElapsedMilliseconds} ms");
    }
}
