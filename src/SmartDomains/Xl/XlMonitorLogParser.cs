using System.Text.RegularExpressions;

namespace SmartDomains.Xl;

/// <summary>How a domain's last run ended, as its xl monitor logged it.</summary>
public enum DomainEnd
{
    /// <summary>Nothing logged after the domain was last started (or no log at all).</summary>
    None,
    Poweroff, Reboot, Suspend, Crash, Watchdog, SoftReset,
    /// <summary>xl destroy (or anything else that destroyed it from outside).</summary>
    Destroyed,
}

/// <summary>
/// /var/log/xen/xl-NAME.log, written by the monitor xl create leaves behind (xl_vmcontrol.c): "Waiting for domain NAME
/// (domid N) to die [pid P]" at each start, "Domain N has shut down, reason code R 0xR" (poweroff 0, reboot 1, suspend 2,
/// crash 3, watchdog 4, soft_reset 5) when the guest stops, "Domain N has been destroyed." when it is destroyed.
/// The log is appended to over every start of the domain; only what follows the last start counts.
/// </summary>
public static partial class XlMonitorLogParser
{
    [GeneratedRegex(@"^Domain (?<id>\d+) has shut down, reason code (?<code>-?\d+) ")]
    private static partial Regex ShutDown();

    [GeneratedRegex(@"^Domain (?<id>\d+) has been destroyed\.")]
    private static partial Regex Destroyed();

    public static DomainEnd LastEnd(string? log, string domain)
    {
        if (string.IsNullOrEmpty(log)) return DomainEnd.None;
        var lines = log.Split('\n');
        var start = Array.FindLastIndex(lines, l => l.StartsWith($"Waiting for domain {domain} (domid ", StringComparison.Ordinal));
        if (start < 0) return DomainEnd.None;
        var end = DomainEnd.None;
        foreach (var line in lines.Skip(start + 1))
        {
            if (ShutDown().Match(line) is { Success: true } m) end = Reason(int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture));
            else if (Destroyed().IsMatch(line) && end == DomainEnd.None) end = DomainEnd.Destroyed;
        }
        return end;
    }

    private static DomainEnd Reason(int code) => code switch
    {
        0 => DomainEnd.Poweroff,
        1 => DomainEnd.Reboot,
        2 => DomainEnd.Suspend,
        3 => DomainEnd.Crash,
        4 => DomainEnd.Watchdog,
        5 => DomainEnd.SoftReset,
        _ => DomainEnd.Crash,   // xl destroys a domain with an unknown reason code ("Unknown shutdown reason code")
    };
}
