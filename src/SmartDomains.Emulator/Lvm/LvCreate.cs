using System.Globalization;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Lvm;

/// <summary>
/// lvcreate: linear LVs (-L SIZE | -l EXTENTS[%VG|%FREE|%ORIGIN], -n NAME, VG) and thick snapshots
/// (-s -L SIZE -n NAME VG/ORIGIN). Checks follow tools/lvcreate.c and lib/metadata/lv_manip.c in order:
/// arguments (exit 3), volume group, snapshot origin, size rounding, name taken, free space (exit 5).
/// </summary>
public static class LvCreate
{
    private static readonly LvmOption[] Options =
    {
        new("size", 'L', "size", true), new("extents", 'l', "extents", true), new("name", 'n', "name", true),
        new("snapshot", 's', "snapshot", false), new("wipesignatures", 'W', "wipesignatures", true),
        new("zero", 'Z', "zero", true), new("activate", 'a', "activate", true), new("type", '\0', "type", true),
        new("addtag", '\0', "addtag", true), new("contiguous", 'C', "contiguous", true),
        new("readahead", 'r', "readahead", true), new("permission", 'p', "permission", true),
        new("setactivationskip", 'k', "setactivationskip", true), new("ignoreactivationskip", 'K', "ignoreactivationskip", false),
    };

    public static int Run(LvmContext ctx, string[] args)
    {
        var o = LvmArgs.Parse(ctx, args, Options);
        ctx.Quiet = o.Has("quiet");
        bool snapshot = o.Has("snapshot") || o.Value("type") == "snapshot";
        if (o.Value("type") is { } type && type is not ("linear" or "snapshot" or "striped"))
        {
            ctx.Error($"Unable to create LV with unknown segment type {type}.");
            return LvmContext.InvalidCmdLine;
        }

        // Size: exactly one of -L and -l.
        long? sizeBytes = null;
        string? extentsArg = o.Value("extents");
        if (o.Value("size") is { } sizeArg)
        {
            var err = LvmUnits.ParseSize(sizeArg, 1024 * 1024, out long b, out char sign, out string? hint);
            if (err == LvmUnits.SizeError.NotANumber) throw ctx.CommandLineError("Size requires number argument.", $"Invalid argument for --size: {sizeArg}");
            if (err == LvmUnits.SizeError.NotSectorMultiple) throw ctx.CommandLineError(hint!, $"Invalid argument for --size: {sizeArg}");
            if (err != LvmUnits.SizeError.None) throw ctx.CommandLineError($"Invalid argument for --size: {sizeArg}");
            if (sign == '-') { ctx.Error("Negative size is invalid."); return LvmContext.InvalidCmdLine; }
            sizeBytes = b;
        }
        if (sizeBytes != null && extentsArg != null)
        {
            ctx.Error("Please specify either size or extents (not both).");
            return LvmContext.InvalidCmdLine;
        }
        if (sizeBytes == null && extentsArg == null) throw ctx.NoMatchingSyntax();
        (long Count, string? Percent)? extents = null;
        if (extentsArg != null)
        {
            extents = ParseExtents(extentsArg);
            if (extents is null) throw ctx.CommandLineError($"Invalid argument for --extents: {extentsArg}");
        }

        // Names: -n [VG/]NAME, and the VG (or VG/ORIGIN for a snapshot) operand.
        var operands = o.Operands.ToList();
        string? name = o.Value("name");
        string? vgFromName = null;
        if (name != null)
        {
            name = LvmNames.SkipDevDir(name);
            int slash = name.IndexOf('/');
            if (slash >= 0) { vgFromName = name[..slash]; name = name[(slash + 1)..]; }
        }
        string? vgName, originName = null;
        if (snapshot)
        {
            if (operands.Count == 0) throw ctx.NoMatchingSyntax();
            var origin = LvmNames.SkipDevDir(operands[0]);
            operands.RemoveAt(0);
            int slash = origin.IndexOf('/');
            if (slash < 0)
            {
                ctx.Error("The origin name should include the volume group.");
                return LvmContext.InvalidCmdLine;
            }
            vgName = origin[..slash];
            originName = origin[(slash + 1)..];
        }
        else
        {
            vgName = operands.Count > 0 ? LvmNames.SkipDevDir(operands[0]).TrimEnd('/') : vgFromName;
            if (operands.Count > 0) operands.RemoveAt(0);
        }
        if (vgName is null)
        {
            ctx.Error("Please provide a volume group name");
            return LvmContext.InvalidCmdLine;
        }
        if (vgFromName != null && vgFromName != vgName)
        {
            ctx.Error($"Inconsistent volume group names given: \"{vgFromName}\" and \"{vgName}\"");
            return LvmContext.InvalidCmdLine;
        }
        if (name != null)
        {
            if (!LvmNames.IsValidName(name))
            {
                ctx.Error($"Logical volume name \"{name}\" is invalid.");
                return LvmContext.InvalidCmdLine;
            }
            if (LvmNames.ReservedMessage(name) is { } reserved) { ctx.Error(reserved); return LvmContext.InvalidCmdLine; }
        }

        var vg = ctx.Vg(vgName);
        if (vg is null) return ctx.VgNotFound(vgName);
        // Further operands are PVs to allocate from; the emulated groups have no PVs to name.
        if (operands.Count > 0)
        {
            ctx.Error($"Physical Volume \"{operands[0]}\" not found in Volume Group \"{vgName}\".");
            return LvmContext.Failed;
        }

        long now = StateStore.NowMs();
        return ctx.Store.Update(state =>
        {
            var lvs = state.LogicalVolumes.Where(l => l.Vg == vgName).ToList();
            LogicalVolumeRecord? origin = null;
            if (snapshot)
            {
                origin = lvs.FirstOrDefault(l => l.Name == originName);
                if (origin is null)
                {
                    ctx.Error($"Snapshot origin LV {originName} not found in Volume group {vgName}.");
                    return LvmContext.Failed;
                }
            }
            long freeExtents = vg.ExtentCount - lvs.Sum(l => l.Extents);
            long want;
            if (sizeBytes is { } bytes)
            {
                want = (bytes + vg.ExtentBytes - 1) / vg.ExtentBytes;
                if (bytes % vg.ExtentBytes != 0)
                    ctx.PrintUnlessSilent($"Rounding up size to full physical extent {LvmUnits.Display(want * vg.ExtentBytes)}");
            }
            else
            {
                var (count, percent) = extents!.Value;
                want = percent switch
                {
                    null => count,
                    "VG" => vg.ExtentCount * count / 100,
                    "FREE" => freeExtents * count / 100,
                    "ORIGIN" when origin != null => origin.Extents * count / 100,
                    _ => -1,
                };
                if (want < 0)
                {
                    ctx.Error("Please express size as %FREE, %ORIGIN, %PVS or %VG.");
                    return LvmContext.Failed;
                }
            }
            if (want == 0)
            {
                ctx.Error("Unable to create new logical volume with no extents.");
                return LvmContext.Failed;
            }
            string lvName = name ?? NextLvolName(lvs);
            if (lvs.Any(l => l.Name == lvName))
            {
                ctx.Error($"Logical Volume \"{lvName}\" already exists in volume group \"{vgName}\"");
                return LvmContext.Failed;
            }
            if (origin is { IsSnapshot: true })
            {
                ctx.Error("Snapshots of snapshots are not supported.");
                return LvmContext.Failed;
            }
            if (want > freeExtents)
            {
                ctx.Error($"Volume group \"{vgName}\" has insufficient free space ({freeExtents} extents): {want} required.");
                return LvmContext.Failed;
            }
            state.LogicalVolumes.Add(new LogicalVolumeRecord
            {
                Vg = vgName, Name = lvName, Extents = want, Origin = origin?.Name, Uuid = LvmNames.NewUuid(), CreatedMs = now,
            });
            ctx.PrintUnlessSilent($"Logical volume \"{lvName}\" created.");
            return LvmContext.Ok;
        });
    }

    /// <summary>-l: a number of extents, or a percentage of VG, FREE or ORIGIN (LVM also accepts V, F, O...).</summary>
    private static (long, string?)? ParseExtents(string text)
    {
        var t = text.TrimStart('+');
        int pct = t.IndexOf('%');
        string num = pct < 0 ? t : t[..pct];
        if (!long.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return null;
        if (pct < 0) return (n, null);
        string? kind = t[(pct + 1)..].ToUpperInvariant() switch
        {
            "V" or "VG" => "VG",
            "F" or "FR" or "FREE" => "FREE",
            "O" or "OR" or "ORIGIN" => "ORIGIN",
            _ => null,
        };
        return kind is null ? null : (n, kind);
    }

    /// <summary>generate_lv_name: "lvol%d" with the lowest number not in use.</summary>
    private static string NextLvolName(List<LogicalVolumeRecord> lvs)
    {
        for (int i = 0; ; i++)
            if (!lvs.Any(l => l.Name == $"lvol{i}")) return $"lvol{i}";
    }
}
