namespace SmartDomains.Emulator.State;

/// <summary>
/// Time-driven transitions, applied lazily whenever state is read: crash faults, completed shutdowns and
/// reboots, and dying domains that finally disappear. Pure: the same function runs in xl and in guests.
/// </summary>
public static class Lifecycle
{
    /// <returns>The domains removed (their guests should stop).</returns>
    /// <param name="monitor">Gets the lines xl's monitor logs for each shutdown it handles.</param>
    public static List<DomainRecord> Advance(HostState state, long nowMs, List<MonitorLine>? monitor = null)
    {
        var removed = new List<DomainRecord>();
        foreach (var d in state.Domains.ToList())
        {
            if (d.CrashAtMs is { } crashAt && nowMs >= crashAt && d.IsRunning)
            {
                d.CrashAtMs = null;
                d.PendingUntilMs = null;
                Log(monitor, d, 3, d.Spec.OnCrash);
                if (d.Spec.OnCrash == "preserve")
                {
                    d.Status = DomainStatus.Crashed;
                    d.ShutdownReason = "crash";
                }
                else { state.Domains.Remove(d); removed.Add(d); }
                continue;
            }
            if (d.PoweroffAtMs is { } offAt && nowMs >= offAt && d.IsRunning)
            {
                // The guest powers itself off: the same path as a completed xl shutdown.
                d.PoweroffAtMs = null;
                d.Status = DomainStatus.ShuttingDown;
                d.ShutdownReason = "poweroff";
                d.PendingUntilMs = offAt;
            }
            if (d.PendingUntilMs is not { } until || nowMs < until) continue;
            d.PendingUntilMs = null;
            if (d.Status == DomainStatus.Dying) { state.Domains.Remove(d); removed.Add(d); continue; }
            if (d.Status != DomainStatus.ShuttingDown) continue;
            string action = d.ShutdownReason == "reboot" ? d.Spec.OnReboot : d.Spec.OnPoweroff;
            Log(monitor, d, d.ShutdownReason == "reboot" ? 1 : 0, action);
            switch (action)
            {
                case "preserve":
                    d.Status = DomainStatus.Shutdown;
                    break;
                case "restart" or "rename-restart" or "coredump-restart" or "soft-reset":
                    // xl's monitor re-creates the domain: same name, a new domid.
                    d.Domid = state.NextDomid++;
                    d.Status = DomainStatus.Running;
                    d.CreatedMs = until;
                    d.ShutdownReason = null;
                    monitor?.Add(new MonitorLine(d.Name, MonitorLog.Waiting(d.Name, d.Domid)));
                    break;
                default:
                    state.Domains.Remove(d); removed.Add(d);
                    break;
            }
        }
        return removed;
    }

    private static void Log(List<MonitorLine>? monitor, DomainRecord d, int reason, string action) =>
        monitor?.AddRange(MonitorLog.Shutdown(d.Domid, reason, action).Select(l => new MonitorLine(d.Name, l)));
}
