using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Lvm;

/// <summary>
/// lvremove [-f] [-y] VG/LV|/dev/VG/LV|/dev/mapper/VG-LV|VG ... (lv_remove_with_dependencies, lv_remove_single).
/// Emulated LVs are always active, so without -f or -y LVM asks on stdin; only an answer starting with y proceeds.
/// An LV that a domain has as a disk is open (blkback holds it) and cannot be removed, even with -f.
/// </summary>
public static class LvRemove
{
    private static readonly LvmOption[] Options =
    {
        new("force", 'f', "force", false), new("select", 'S', "select", true),
    };

    public static int Run(LvmContext ctx, string[] args)
    {
        var o = LvmArgs.Parse(ctx, args, Options);
        ctx.Quiet = o.Has("quiet");
        if (o.Has("select"))
        {
            ctx.Error("Selection (-S) is not supported by the emulator.");
            return LvmContext.InvalidCmdLine;
        }
        if (o.Operands.Count == 0) throw ctx.NoMatchingSyntax();
        bool prompt = !o.Has("force") && !o.Has("yes");
        int ret = LvmContext.Ok;
        foreach (var operand in o.Operands)
        {
            var arg = LvmNames.SkipDevDir(operand);
            int slash = arg.IndexOf('/');
            string vgName = slash < 0 ? arg : arg[..slash];
            string? lvName = slash < 0 ? null : arg[(slash + 1)..];
            if (ctx.Vg(vgName) is null) { ret = Math.Max(ret, ctx.VgNotFound(vgName)); continue; }
            int r = ctx.Store.Update(state =>
            {
                List<LogicalVolumeRecord> targets;
                if (lvName is null) targets = state.LogicalVolumes.Where(l => l.Vg == vgName).OrderBy(l => l.IsSnapshot ? 0 : 1).ToList();
                else
                {
                    var lv = state.LogicalVolumes.FirstOrDefault(l => l.Vg == vgName && l.Name == lvName);
                    if (lv is null)
                    {
                        ctx.Error($"Failed to find logical volume \"{vgName}/{lvName}\"");
                        return LvmContext.Failed;
                    }
                    targets = new() { lv };
                }
                int result = LvmContext.Ok;
                foreach (var lv in targets)
                    if (state.LogicalVolumes.Contains(lv) && !RemoveWithDependencies(ctx, state, lv, prompt)) result = LvmContext.Failed;
                return result;
            });
            ret = Math.Max(ret, r);
        }
        return ret;
    }

    private static bool RemoveWithDependencies(LvmContext ctx, HostState state, LogicalVolumeRecord lv, bool prompt)
    {
        var snapshots = state.LogicalVolumes.Where(l => l.Vg == lv.Vg && l.Origin == lv.Name).ToList();
        if (snapshots.Count > 0)
        {
            if (prompt && !Ask(ctx, $"Removing origin {lv.Name} will also remove {snapshots.Count} snapshots(s). Proceed? [y/n]: "))
            {
                ctx.Error($"Logical volume {lv.Vg}/{lv.Name} not removed.");
                return false;
            }
            foreach (var s in snapshots)
                if (!RemoveSingle(ctx, state, s, prompt)) return false;
        }
        return RemoveSingle(ctx, state, lv, prompt);
    }

    private static bool RemoveSingle(LvmContext ctx, HostState state, LogicalVolumeRecord lv, bool prompt)
    {
        if (LvmNames.IsOpen(state, ctx.Settings, lv))
        {
            ctx.Error($"Logical volume {lv.Vg}/{lv.Name} in use.");
            return false;
        }
        if (prompt && !Ask(ctx, $"Do you really want to remove active logical volume {lv.Vg}/{lv.Name}? [y/n]: "))
        {
            ctx.Error($"Logical volume {lv.Vg}/{lv.Name} not removed.");
            return false;
        }
        state.LogicalVolumes.Remove(lv);
        ctx.PrintUnlessSilent($"Logical volume \"{lv.Name}\" successfully removed.");
        return true;
    }

    /// <summary>yes_no_prompt: the question on stdout, an answer line from stdin; end of input counts as no.</summary>
    private static bool Ask(LvmContext ctx, string question)
    {
        ctx.Out.Write("  " + question);
        ctx.Out.Flush();
        var line = ctx.In.ReadLine();
        if (line is null) { ctx.Out.Write("\n"); return false; }
        var answer = line.Trim();
        return answer.Length > 0 && (answer[0] == 'y' || answer[0] == 'Y');
    }
}
