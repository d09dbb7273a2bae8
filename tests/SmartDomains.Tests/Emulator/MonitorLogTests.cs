using SmartDomains.Xl;
using Xunit;

namespace SmartDomains.Tests.Emulator;

/// <summary>The emulator's xl monitor log (xl-NAME.log) and the parser that tells a crash from a poweroff by it.</summary>
public sealed class MonitorLogTests
{
    private static Newtonsoft.Json.Linq.JObject Fault(string domain, double seconds) => new() { [domain] = seconds };

    [Fact]
    public void A_crash_is_logged_with_reason_code_3_and_the_on_crash_action()
    {
        using var h = new EmulatorHost(s => s["faults"]!["crash_after_boot_s"] = Fault("c1", 0.1));
        h.Xl("create", "-q", h.Pv("c1"));
        Thread.Sleep(200);
        Assert.DoesNotContain("c1", h.Xl("list").Out);
        Assert.Equal("Waiting for domain c1 (domid 1) to die [pid N]\nDomain 1 has shut down, reason code 3 0x3\n" +
            "Action for shutdown reason code 3 is destroy\nDomain 1 needs to be cleaned up: destroying the domain\nDone. Exiting now\n",
            System.Text.RegularExpressions.Regex.Replace(h.MonitorLog("c1"), @"\[pid \d+\]", "[pid N]"));
        Assert.Equal(DomainEnd.Crash, XlMonitorLogParser.LastEnd(h.MonitorLog("c1"), "c1"));
    }

    [Fact]
    public void A_guest_poweroff_is_reason_code_0_and_a_preserved_one_stays_listed_as_shut_down()
    {
        using var h = new EmulatorHost(s => s["faults"]!["poweroff_after_boot_s"] = Fault("*", 0.1));
        h.Xl("create", "-q", h.Pv("p1"));
        h.Xl("create", "-q", h.Pv("p2", extra: "on_poweroff = 'preserve'\n"));
        Thread.Sleep(200);
        var list = h.Xl("list").Out;
        Assert.DoesNotContain("p1", list);
        Assert.Contains("---s--", list.Split('\n').Single(l => l.StartsWith("p2", StringComparison.Ordinal)));
        Assert.Equal(DomainEnd.Poweroff, XlMonitorLogParser.LastEnd(h.MonitorLog("p1"), "p1"));
        Assert.Equal(DomainEnd.Poweroff, XlMonitorLogParser.LastEnd(h.MonitorLog("p2"), "p2"));
        Assert.Contains("Action for shutdown reason code 0 is preserve\nDone. Exiting now\n", h.MonitorLog("p2"));
    }

    [Fact]
    public void Only_the_last_start_counts_and_a_destroy_is_told_apart()
    {
        using var h = new EmulatorHost(s => s["faults"]!["crash_after_boot_s"] = Fault("d1", 0.1));
        h.Xl("create", "-q", h.Pv("d1"));
        Thread.Sleep(200);
        h.Xl("list");
        Assert.Equal(DomainEnd.Crash, XlMonitorLogParser.LastEnd(h.MonitorLog("d1"), "d1"));
        // Started again: nothing has ended yet, whatever the earlier run did.
        File.WriteAllText(Path.Combine(h.StateDir, "settings.json"),
            File.ReadAllText(Path.Combine(h.StateDir, "settings.json")).Replace("\"d1\": 0.1", "\"x\": 1"));
        h.Xl("create", "-q", h.Pv("d1"));
        Assert.Equal(DomainEnd.None, XlMonitorLogParser.LastEnd(h.MonitorLog("d1"), "d1"));
        h.Xl("destroy", "d1");
        Assert.Equal(DomainEnd.Destroyed, XlMonitorLogParser.LastEnd(h.MonitorLog("d1"), "d1"));
        Assert.Equal(DomainEnd.None, XlMonitorLogParser.LastEnd(null, "d1"));
        Assert.Equal(DomainEnd.None, XlMonitorLogParser.LastEnd(h.MonitorLog("d1"), "other"));
    }

    [Fact]
    public void Create_e_leaves_no_monitor_and_so_no_log()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", "-e", h.Pv("e1"));
        Assert.False(File.Exists(Path.Combine(h.LogDir, "xl-e1.log")));
    }
}
