using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>
/// xl shutdown|reboot [-a] [-w] [-F] DOM. The guest acknowledges at once; the domain finishes shutting down
/// after latency_ms.shutdown and then follows on_poweroff/on_reboot (applied lazily by Lifecycle).
/// </summary>
public static class ShutdownCommand
{
    public static int Run(CommandContext ctx, string[] args, bool reboot)
    {
        string cmd = reboot ? "reboot" : "shutdown";
        var o = GetOpt.Parse(ctx, cmd, args, "awF", 0, new Dictionary<string, char> { ["all"] = 'a', ["wait"] = 'w' });
        if (!o.Has('a') && o.Operands.Count == 0)
        {
            ctx.Err.Write("You must specify -a or a domain id.\n\n");
            return 1;
        }
        ctx.MaybeHang(cmd);
        var targets = o.Has('a')
            ? ctx.Store.Peek().Domains.Where(d => d.IsRunning || d.Status == DomainStatus.Paused).Select(d => d.Domid).ToList()
            : new List<int> { ctx.FindDomain(o.Operands[0]) };

        int latency = ctx.Settings.LatencyMs.Shutdown;
        var started = new List<int>();
        foreach (var domid in targets)
        {
            ctx.Err.Write(reboot ? $"Rebooting domain {domid}\n" : $"Shutting down domain {domid}\n");
            bool ok = ctx.Store.Update(state =>
            {
                var d = state.ByDomid(domid);
                if (d is null || domid == 0 || d.Status is DomainStatus.Dying or DomainStatus.Shutdown or DomainStatus.Crashed) return false;
                if (d.Status != DomainStatus.ShuttingDown)
                {
                    d.Status = DomainStatus.ShuttingDown;
                    d.ShutdownReason = reboot ? "reboot" : "poweroff";
                    d.PendingUntilMs = StateStore.NowMs() + latency;
                }
                return true;
            });
            if (!ok)
            {
                ctx.Err.Write($"{cmd} failed (rc=-3)\n");
                return 1;
            }
            started.Add(domid);
        }
        if (o.Has('w') && started.Count > 0) Wait(ctx, started, reboot);
        return 0;
    }

    /// <summary>wait_for_domain_deaths: report each domain as it finishes.</summary>
    private static void Wait(CommandContext ctx, List<int> domids, bool reboot)
    {
        ctx.Err.Write($"Waiting for {domids.Count} domains\n");
        var pending = new HashSet<int>(domids);
        while (pending.Count > 0)
        {
            Thread.Sleep(50);
            var state = ctx.Store.Peek();
            foreach (var id in pending.ToList())
            {
                var d = state.ByDomid(id);
                if (d is not null && d.Status == DomainStatus.ShuttingDown) continue;
                pending.Remove(id);
                if (d is not null && d.Status is DomainStatus.Shutdown)
                    ctx.Err.Write($"Domain {id} has been shut down, reason code {(reboot ? 1 : 0)}\n");
                else ctx.Err.Write($"Domain {id} has been destroyed\n");
            }
        }
        // Persist the transition (and stop guests) now rather than at the next call.
        ctx.Store.Update(_ => 0, removed => removed.ForEach(r => ctx.Guests.Stop(r.GuestPid)));
    }
}
