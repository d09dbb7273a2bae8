using System.Text;

namespace SmartDomains.Emulator.State;

/// <summary>One line that xl's monitor (the daemon xl create leaves behind) writes to /var/log/xen/xl-NAME.log.</summary>
public sealed record MonitorLine(string Domain, string Text);

/// <summary>
/// The monitor's log: xl create daemonizes a child that waits for the domain's death and logs each shutdown, its reason
/// code and the on_* action taken (xl_vmcontrol.c create_domain and handle_domain_death; do_daemonize opens
/// XEN_LOG_DIR/xl-NAME.log for append). The lines are xl's own format strings.
/// </summary>
public static class MonitorLog
{
    public static string Waiting(string name, int domid) => $"Waiting for domain {name} (domid {domid}) to die [pid {Environment.ProcessId}]";
    public static string ShutDown(int domid, int reason) => $"Domain {domid} has shut down, reason code {reason} 0x{reason:x}";
    public static string Action(int reason, string action) => $"Action for shutdown reason code {reason} is {action}";
    public static string CleanedUp(int domid) => $"Domain {domid} needs to be cleaned up: destroying the domain";
    public static string Destroyed(int domid) => $"Domain {domid} has been destroyed.";
    public const string Suspended = "Domain has suspended.";
    public const string Exiting = "Done. Exiting now";
    public const string Rebooting = "Done. Rebooting now";

    /// <summary>The lines of one shutdown handled by the monitor, ending as xl's loop does for that action.</summary>
    public static IEnumerable<string> Shutdown(int domid, int reason, string action)
    {
        yield return ShutDown(domid, reason);
        yield return Action(reason, action);
        var restarts = action is "restart" or "rename-restart" or "coredump-restart" or "soft-reset";
        if (action != "preserve") yield return CleanedUp(domid);
        yield return restarts ? Rebooting : Exiting;
    }

    public static void Append(string logDir, IEnumerable<MonitorLine> lines)
    {
        foreach (var group in lines.GroupBy(l => l.Domain))
        {
            Directory.CreateDirectory(logDir);
            var path = Path.Combine(logDir, $"xl-{group.Key}.log");
            var bytes = Encoding.UTF8.GetBytes(string.Concat(group.Select(l => l.Text + "\n")));
            // .NET's FileMode.Append seeks rather than using O_APPEND: one lock file per log keeps lines whole.
            using var guard = LockFile.Acquire(path + ".lock");
            using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            fs.Write(bytes, 0, bytes.Length);
        }
    }
}
