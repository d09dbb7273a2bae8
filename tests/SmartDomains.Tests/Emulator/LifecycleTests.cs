using Xunit;

namespace SmartDomains.Tests.Emulator;

public class LifecycleTests
{
    [Fact]
    public void CrashWithPreserveShowsCrashedState()
    {
        using var h = new EmulatorHost(s => s["faults"]!["crash_after_boot_s"] = new Newtonsoft.Json.Linq.JObject { ["c1"] = 0.2 });
        h.Xl("create", "-q", h.Pv("c1", extra: "on_crash = 'preserve'\n"));
        Assert.Contains("-b----", h.Xl("list", "c1").Out);
        Thread.Sleep(300);
        var row = h.Xl("list", "c1").Out.Split('\n')[1];
        Assert.Contains("     ---sc-  ", row);
        Assert.EndsWith("        3                -", h.Xl("list", "-v", "c1").Out.Split('\n')[1]);
    }

    [Fact]
    public void CrashWithDefaultDestroyMakesDomainVanish()
    {
        using var h = new EmulatorHost(s => s["faults"]!["crash_after_boot_s"] = new Newtonsoft.Json.Linq.JObject { ["*"] = 0.1 });
        h.Xl("create", "-q", h.Pv("c2", 500));
        Thread.Sleep(200);
        Assert.DoesNotContain("c2", h.Xl("list").Out);
        Assert.Equal("15360\n", h.Xl("info", "free_memory").Out);
    }

    [Fact]
    public void ShutdownWaitsAndRemovesDomain()
    {
        using var h = new EmulatorHost(s => s["latency_ms"]!["shutdown"] = 200);
        h.Xl("create", "-q", h.Pv("s1"));
        var r = h.Xl("shutdown", "-w", "s1");
        Assert.Equal(0, r.Code);
        Assert.Equal("Shutting down domain 1\nWaiting for 1 domains\nDomain 1 has been destroyed\n", r.Err);
        Assert.DoesNotContain("s1", h.Xl("list").Out);
    }

    [Fact]
    public void ShutdownWithoutWaitReturnsAtOnceAndCompletesLater()
    {
        using var h = new EmulatorHost(s => s["latency_ms"]!["shutdown"] = 300);
        h.Xl("create", "-q", h.Pv("s2"));
        var r = h.Xl("shutdown", "s2");
        Assert.Equal((0, "Shutting down domain 1\n"), (r.Code, r.Err));
        Assert.Contains("s2", h.Xl("list").Out);
        Thread.Sleep(400);
        Assert.DoesNotContain("s2", h.Xl("list").Out);
    }

    [Fact]
    public void RebootKeepsNameWithNewDomid()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("r1"));
        Assert.Equal("Rebooting domain 1\n", h.Xl("reboot", "r1").Err);
        Thread.Sleep(20);
        Assert.Equal("2\n", h.Xl("domid", "r1").Out);
    }

    [Fact]
    public void PauseAndUnpause()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("p1"));
        h.Xl("pause", "p1");
        Assert.Contains("--p---", h.Xl("list", "p1").Out);
        h.Xl("unpause", "p1");
        Assert.Contains("-b----", h.Xl("list", "p1").Out);
    }

    [Fact]
    public void DyingDomainShowsNullName()
    {
        using var h = new EmulatorHost(s => s["faults"]!["dying_after_destroy_ms"] = 300);
        h.Xl("create", "-q", h.Pv("dy"));
        h.Xl("destroy", "dy");
        var row = h.Xl("list").Out.Split('\n')[2];
        Assert.StartsWith("(null)                                       1", row);
        Assert.Contains("-----d", row);
        Thread.Sleep(400);
        Assert.Equal(3, h.Xl("list").Out.Split('\n').Length);
    }

    [Fact]
    public void DestroyDomain0NeedsForce()
    {
        using var h = new EmulatorHost();
        Assert.Equal(1, h.Xl("destroy", "0").Code);
    }
}
