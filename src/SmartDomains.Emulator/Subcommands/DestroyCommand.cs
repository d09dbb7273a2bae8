using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl destroy [-f] DOM. The dying_after_destroy_ms fault keeps a nameless dying domain around briefly.</summary>
public static class DestroyCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "destroy", args, "f", 1);
        int domid = ctx.FindDomain(o.Operands[0]);
        if (domid == 0 && !o.Has('f'))
        {
            ctx.Err.Write("Destroying domain 0 is not permitted.\n");
            return 1;
        }
        ctx.MaybeHang("destroy");
        int dying = ctx.Settings.Faults.DyingAfterDestroyMs;
        var victim = ctx.Store.Update(state =>
        {
            var d = state.ByDomid(domid);
            if (d is null || d.Status == DomainStatus.Dying) return null;
            if (dying > 0) { d.Status = DomainStatus.Dying; d.PendingUntilMs = StateStore.NowMs() + dying; d.CrashAtMs = null; }
            else state.Domains.Remove(d);
            return d;
        });
        if (victim is null)
        {
            ctx.LibxlError("libxl_domain.c:1168:libxl__destroy_domid", domid, "Non-existant domain");
            ctx.LibxlError("libxl_domain.c:1122:domain_destroy_callback", domid, "Unable to destroy guest");
            ctx.LibxlError("libxl_domain.c:1049:domain_destroy_cb", domid, "Destruction of domain failed");
            ctx.Err.Write("destroy failed (rc=-21)\n");
            return 1;
        }
        ctx.Guests.Stop(victim.GuestPid);
        MonitorLog.Append(ctx.Settings.XlLogDir, new[] { new MonitorLine(victim.Name, MonitorLog.Destroyed(victim.Domid)) });
        return 0;
    }
}
