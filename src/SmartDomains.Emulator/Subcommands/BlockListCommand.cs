using SmartDomains.Emulator.Cli;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl block-list DOM... (xl_block.c).</summary>
public static class BlockListCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "block-list", args, "", 1);
        ctx.Out.Write(string.Format("{0,-5} {1,-3} {2,-6} {3,-5} {4,-6} {5,-8} {6,-30}\n",
            "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path"));
        foreach (var arg in o.Operands)
        {
            int domid = ctx.FindDomain(arg);
            var d = ctx.Store.Peek().ByDomid(domid);
            if (d is null) continue;
            int i = 0;
            foreach (var disk in d.Spec.Disks)
            {
                ctx.Out.Write(string.Format("{0,-5} {1,-3} {2,-6} {3,-5} {4,-6} {5,-8} {6,-30}\n",
                    disk.DeviceNumber, 0, disk.DeviceNumber, 4, 10 + i, 8 + i,
                    $"/local/domain/0/backend/{(disk.Backend == "qdisk" ? "qdisk" : "vbd")}/{domid}/{disk.DeviceNumber}"));
                i++;
            }
        }
        return 0;
    }
}
