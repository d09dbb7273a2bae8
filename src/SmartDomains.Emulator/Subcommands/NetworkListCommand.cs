using SmartDomains.Emulator.Cli;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl network-list DOM... (xl_nic.c).</summary>
public static class NetworkListCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "network-list", args, "", 1);
        ctx.Out.Write(string.Format("{0,-3} {1,-2} {2,-17} {3,-6} {4,-5} {5,-6} {6,5}/{7,-5} {8,-30}\n",
            "Idx", "BE", "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path"));
        foreach (var arg in o.Operands)
        {
            int domid = ctx.FindDomain(arg);
            var d = ctx.Store.Peek().ByDomid(domid);
            if (d is null) { ctx.Err.Write($"libxl_device_nic_list failed.\n"); continue; }
            foreach (var n in d.Spec.Nics)
                ctx.Out.Write(string.Format("{0,-3} {1,-2} {2,-17} {3,-6} {4,-5} {5,-6} {6,5}/{7,-5} {8,-30}\n",
                    n.Devid, 0, n.Mac, n.Devid, 4, 20 + 2 * n.Devid, 768 + 2 * n.Devid, 769 + 2 * n.Devid,
                    $"/local/domain/0/backend/vif/{domid}/{n.Devid}"));
        }
        return 0;
    }
}
