using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl pause|unpause DOM: like xl, exits 0 even when libxl fails.</summary>
public static class PauseCommand
{
    public static int Run(CommandContext ctx, string[] args, bool pause)
    {
        var o = GetOpt.Parse(ctx, pause ? "pause" : "unpause", args, "", 1);
        int domid = ctx.FindDomain(o.Operands[0]);
        bool found = ctx.Store.Update(state =>
        {
            var d = state.ByDomid(domid);
            if (d is null || domid == 0) return domid == 0;
            if (pause && d.Status == DomainStatus.Running) d.Status = DomainStatus.Paused;
            else if (!pause && d.Status == DomainStatus.Paused) d.Status = DomainStatus.Running;
            return true;
        });
        if (!found)
            ctx.LibxlError($"libxl_domain.c:{(pause ? 619 : 649)}:libxl_domain_{(pause ? "pause" : "unpause")}", domid,
                $"{(pause ? "Pausing" : "Unpausing")} domain: Non-existant domain");
        return 0;
    }
}
