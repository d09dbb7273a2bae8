using System.Globalization;
using System.Text.RegularExpressions;
using SmartDomains.Remote;

namespace SmartDomains.Storage;

/// <summary>One line of `lvs --noheadings --units b --nosuffix -o lv_name,vg_name,lv_size,origin --separator '|'`.</summary>
public sealed record LogicalVolumeInfo(string Name, string VolumeGroup, long SizeBytes, string? Origin)
{
    public string Path => $"/dev/{VolumeGroup}/{Name}";
}

/// <summary>LVM2 command lines and output, as the lvm2 tools print and accept them.</summary>
public static class LogicalVolumes
{
    // LVM2's rule for VG and LV names: letters, digits and + _ . -, not starting with '-', and not "." or "..".
    private static readonly Regex NameRule = new(@"^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$", RegexOptions.Compiled);

    public static bool IsValidName(string name) => NameRule.IsMatch(name) && name != "." && name != "..";

    public static RemoteCommand List(string volumeGroup) =>
        RemoteCommand.Of("lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_name,vg_name,lv_size,origin", "--separator", "|", volumeGroup);

    public static RemoteCommand Create(string volumeGroup, string name, long sizeBytes) =>
        RemoteCommand.Of("lvcreate", "-L", sizeBytes.ToString(CultureInfo.InvariantCulture) + "b", "-n", name, volumeGroup);

    public static RemoteCommand Snapshot(string volumeGroup, string origin, string name, long sizeBytes) =>
        RemoteCommand.Of("lvcreate", "-s", "-L", sizeBytes.ToString(CultureInfo.InvariantCulture) + "b", "-n", name, volumeGroup + "/" + origin);

    public static RemoteCommand Remove(string volumeGroup, string name) => RemoteCommand.Of("lvremove", "-f", volumeGroup + "/" + name);

    public static IReadOnlyList<LogicalVolumeInfo> ParseList(string output)
    {
        var list = new List<LogicalVolumeInfo>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var f = line.Split('|');
            if (f.Length < 3 || !long.TryParse(f[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size))
                throw new FormatException($"Unexpected lvs line: '{line}'");
            var origin = f.Length > 3 && f[3].Trim().Length > 0 ? f[3].Trim() : null;
            list.Add(new LogicalVolumeInfo(f[0].Trim(), f[1].Trim(), size, origin));
        }
        return list;
    }

    /// <summary>/dev/VG/NAME (or /dev/mapper is not accepted: the module names volumes by VG and LV).</summary>
    public static bool TryParsePath(string path, out string volumeGroup, out string name)
    {
        volumeGroup = name = "";
        var parts = path.Split('/');
        if (parts.Length != 4 || parts[0] != "" || parts[1] != "dev" || !IsValidName(parts[2]) || !IsValidName(parts[3])) return false;
        volumeGroup = parts[2];
        name = parts[3];
        return true;
    }

    /// <summary>An origin named as NAME, VG/NAME or /dev/VG/NAME; the VG must be the snapshot's own.</summary>
    public static bool TryParseOrigin(string from, string volumeGroup, out string origin)
    {
        origin = "";
        var parts = from.StartsWith("/dev/", StringComparison.Ordinal) ? from[5..].Split('/') : from.Split('/');
        if (parts.Length == 1 && IsValidName(parts[0])) { origin = parts[0]; return true; }
        if (parts.Length == 2 && parts[0] == volumeGroup && IsValidName(parts[1])) { origin = parts[1]; return true; }
        return false;
    }
}
