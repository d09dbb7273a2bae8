using System.Text;
using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Lvm;

/// <summary>LV and VG names and device paths as LVM spells them.</summary>
public static class LvmNames
{
    /// <summary>validate_name (lvm-string.c): [a-zA-Z0-9+_.-], not starting with '-', not "." or "..", under 128.</summary>
    public static bool IsValidName(string n) =>
        n.Length is > 0 and < 128 && n[0] != '-' && n != "." && n != ".." &&
        n.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '_' or '.' or '-');

    private static readonly string[] ReservedInfixes =
        { "_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_imeta", "_iorig", "_mimage", "_mlog", "_pmspare",
          "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig" };

    /// <summary>apply_lvname_restrictions: the reserved prefixes and infixes, with LVM's messages.</summary>
    public static string? ReservedMessage(string n)
    {
        foreach (var p in new[] { "snapshot", "pvmove" })
            if (n.StartsWith(p)) return $"Names starting \"{p}\" are reserved. Please choose a different LV name.";
        foreach (var i in ReservedInfixes)
            if (n.Contains(i)) return $"Names including \"{i}\" are reserved. Please choose a different LV name.";
        return null;
    }

    /// <summary>
    /// skip_dev_dir (toollib.c): "/dev/VG/LV" becomes "VG/LV", "/dev/mapper/VG-LV" becomes "VG/LV" (with
    /// device-mapper's "--" for a dash inside a name), anything else is returned as given.
    /// </summary>
    public static string SkipDevDir(string arg)
    {
        const string mapper = "/dev/mapper/";
        if (arg.StartsWith(mapper) && SplitDmName(arg[mapper.Length..]) is { } split) return split.Vg + "/" + split.Lv;
        if (arg.StartsWith("/dev/")) return arg[5..];
        return arg;
    }

    /// <summary>dm_split_lvm_name: the first single '-' separates VG from LV; "--" is a literal '-'.</summary>
    public static (string Vg, string Lv)? SplitDmName(string dm)
    {
        var vg = new StringBuilder();
        int i = 0;
        for (; i < dm.Length; i++)
        {
            if (dm[i] != '-') { vg.Append(dm[i]); continue; }
            if (i + 1 < dm.Length && dm[i + 1] == '-') { vg.Append('-'); i++; continue; }
            break;
        }
        if (i >= dm.Length) return null;
        return (vg.ToString(), dm[(i + 1)..].Replace("--", "-"));
    }

    public static string DevPath(string vg, string lv) => $"/dev/{vg}/{lv}";
    public static string DmPath(string vg, string lv) => $"/dev/mapper/{vg.Replace("-", "--")}-{lv.Replace("-", "--")}";

    /// <summary>The emulated LV a device path names (/dev/VG/LV or /dev/mapper/VG-LV), if it exists in a configured VG.</summary>
    public static LogicalVolumeRecord? FindByPath(HostState state, EmulatorSettings settings, string path)
    {
        string p = Path.GetFullPath(path);
        if (!p.StartsWith("/dev/")) return null;
        var parts = SkipDevDir(p).Split('/');
        if (parts.Length != 2 || !settings.VolumeGroups.ContainsKey(parts[0])) return null;
        return state.LogicalVolumes.FirstOrDefault(l => l.Vg == parts[0] && l.Name == parts[1]);
    }

    /// <summary>True when a domain (in any state, dying included) has the LV as a disk: blkback holds it open.</summary>
    public static bool IsOpen(HostState state, EmulatorSettings settings, LogicalVolumeRecord lv) =>
        state.Domains.Any(d => d.Spec.Disks.Any(disk =>
            disk.Format != "empty" && disk.Target.Length > 0 && FindByPath(state, settings, disk.Target) is { } l &&
            l.Vg == lv.Vg && l.Name == lv.Name));

    /// <summary>LVM's UUID form: 32 characters of [A-Za-z0-9] grouped 6-4-4-4-4-4-6.</summary>
    public static string NewUuid()
    {
        const string chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#";
        var raw = new string(Enumerable.Range(0, 32).Select(_ => chars[Random.Shared.Next(62)]).ToArray());
        return string.Join("-", raw[..6], raw[6..10], raw[10..14], raw[14..18], raw[18..22], raw[22..26], raw[26..]);
    }
}
