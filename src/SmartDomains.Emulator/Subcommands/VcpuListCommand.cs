using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl vcpu-list [dom...] (xl_vcpu.c).</summary>
public static class VcpuListCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "vcpu-list", args, "", 0);
        var ids = o.Operands.Select(ctx.FindDomain).ToHashSet();
        var views = DomainView.All(ctx.Settings, ctx.Store.Peek(), StateStore.NowMs());
        ctx.Out.Write($"{"Name",-32} {"ID",5} {"VCPU",5} {"CPU",5} {"State",5} {"Time(s)",9} Affinity (Hard / Soft)\n");
        foreach (var v in views.Where(v => ids.Count == 0 || ids.Contains(v.Domid)))
            for (int i = 0; i < v.Vcpus; i++)
            {
                // print_vcpuinfo in xl_vcpu.c: "%-32s %5u %5u", then "%5u %3c%c- " for an online vcpu (no space before CPU).
                // A paused domain's vcpus stay online, neither running nor blocked.
                char running = v.Domid == 0 && i == 0 ? 'r' : '-';
                char blocked = v.Flags[2] == 'p' || running == 'r' ? '-' : 'b';
                ctx.Out.Write($"{v.Name ?? "(null)",-32} {v.Domid,5} {i,5}{(v.Domid + i) % ctx.Settings.NrCpus,5} {running,3}{blocked}- {v.CpuSeconds / Math.Max(1, v.Vcpus),9:F1}  all / all\n");
            }
        return 0;
    }
}
