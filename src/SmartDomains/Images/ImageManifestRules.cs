using System.Text.RegularExpressions;
using SmartDomains.Model;
using SmartDomains.Pools;
using SmartDomains.XlConfig;

namespace SmartDomains.Images;

/// <summary>
/// What a manifest read back from a repository may say. A repository is input like a pool file: someone may have edited it,
/// so nothing in it is trusted before these checks pass. <see cref="Structure"/> needs no host (Get-XenImage uses it);
/// <see cref="ForHost"/> adds where the restore would write on one host, and the xl.cfg it would boot.
/// </summary>
public static partial class ImageManifestRules
{
    [GeneratedRegex(@"^disk-(0|[1-9][0-9]{0,2})$")]
    private static partial Regex DiskMemberPattern();

    [GeneratedRegex(@"^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}\.tar\.(zst|gz)$")]
    private static partial Regex ArchiveFilePattern();

    private static readonly string[] Compressions = { "zstd", "pigz", "gzip" };

    /// <summary>The settings the one renderer writes; a restored config may hold no other.</summary>
    public static readonly string[] ConfigSettings =
        { "name", "uuid", "type", "memory", "maxmem", "vcpus", "maxvcpus", "kernel", "ramdisk", "cmdline", "bootloader", "on_poweroff", "on_reboot", "on_crash", "disk", "vif" };

    private static readonly string[] DiskKeys = { "format", "vdev", "access", "target" };
    private static readonly string[] VifKeys = { "mac", "bridge", "ip", "model", "script" };

    /// <summary>A refused field: its JSON name (members[1].name, config: vif[0]) and why.</summary>
    public sealed record Problem(string Field, string Reason)
    {
        public override string ToString() => $"{Field}: {Reason}";
    }

    /// <summary>Checks that need no host: names, member names and kinds, checksums, the archive's file name.</summary>
    public static Problem? Structure(XenImage image)
    {
        if (!XenNames.IsValidName(image.Domain)) return new("domain", $"{HostValues.Show(image.Domain)} is not a valid Xen name: {XenNames.NameRule}");
        if (image.Pool is not null && !XenNames.IsValidName(image.Pool)) return new("pool", $"{HostValues.Show(image.Pool)} is not a valid pool name");
        if (!ImageStore.IsValidName(image.Name)) return new("name", $"{HostValues.Show(image.Name)} is not a valid image name");
        if (!Compressions.Contains(image.Compression)) return new("compression", $"{HostValues.Show(image.Compression)} is not one of {string.Join(", ", Compressions)}");
        if (!ArchiveFilePattern().IsMatch(image.ArchiveFile)) return new("archiveFile", $"{HostValues.Show(image.ArchiveFile)} is not a file name NAME.tar.zst or NAME.tar.gz");
        if (!Sha256Pattern().IsMatch(image.ArchiveSha256)) return new("archiveSha256", "is not 64 lower-case hex digits");
        if (image.FormatVersion is not (XenImage.FirstFormatVersion or XenImage.CurrentFormatVersion))
            return new("formatVersion", $"{image.FormatVersion} is not {XenImage.FirstFormatVersion} or {XenImage.CurrentFormatVersion}");
        var streamed = image.FormatVersion >= 2;
        if (streamed && !Sha256Pattern().IsMatch(image.StreamSha256 ?? "")) return new("streamSha256", "is not 64 lower-case hex digits");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < image.Members.Count; i++)
        {
            var m = image.Members[i];
            var field = $"members[{i}]";
            if (m is null) return new(field, "is empty");
            var expectedKind = m.Name == ImageSaver.MemoryMember ? ImageMember.Memory : DiskMemberPattern().IsMatch(m.Name ?? "") ? ImageMember.Disk : null;
            if (expectedKind is null) return new(field + ".name", $"{HostValues.Show(m.Name ?? "")} is not {ImageSaver.MemoryMember} or disk-N");
            if (m.Kind != expectedKind) return new(field + ".kind", $"{HostValues.Show(m.Kind ?? "")} does not match the member {m.Name} ({expectedKind})");
            if (!names.Add(m.Name!)) return new(field + ".name", $"{m.Name} is listed twice");
            // Format 2 checks the tar stream, not members: a member checksum there would be one nobody verifies.
            if (streamed ? m.Sha256 is not null : !Sha256Pattern().IsMatch(m.Sha256 ?? ""))
                return new(field + ".sha256", streamed ? "is not recorded in format 2 (the tar stream's is)" : "is not 64 lower-case hex digits");
            if (m.SizeBytes < 0) return new(field + ".sizeBytes", "is negative");
            if (m.Kind == ImageMember.Disk && !HostValues.AbsolutePath.IsValid(m.OriginalPath ?? ""))
                return new(field + ".originalPath", HostValues.AbsolutePath.Refusal("the path", m.OriginalPath ?? ""));
        }
        if (!names.Contains(ImageSaver.MemoryMember)) return new("members", $"no {ImageSaver.MemoryMember} member");
        if (image.ConfigPath is not null && !HostValues.AbsolutePath.IsValid(image.ConfigPath))
            return new("configPath", HostValues.AbsolutePath.Refusal("the path", image.ConfigPath));
        return null;
    }

    /// <summary>Every check, for a restore onto <paramref name="host"/>: the structure, then each path it would write, then the config.</summary>
    public static Problem? ForHost(XenImage image, XenHost host)
    {
        if (Structure(image) is { } structural) return structural;
        for (var i = 0; i < image.Members.Count; i++)
        {
            var m = image.Members[i];
            if (m.Kind == ImageMember.Disk && !Under(m.OriginalPath, host.ImageDir) && !Under(m.OriginalPath, host.StateDir))
                return new($"members[{i}].originalPath", $"{m.OriginalPath} is not under {host.Name}'s image directory {host.ImageDir} or state directory {host.StateDir}");
        }
        if (image.ConfigPath is not null && !Under(image.ConfigPath, host.ConfigDir))
            return new("configPath", $"{image.ConfigPath} is not under {host.Name}'s config directory {host.ConfigDir}");
        return image.Config.Length == 0 ? null : Config(image, host);
    }

    /// <summary>A path strictly inside a directory, with no '..' on the way (both are absolute paths already checked).</summary>
    public static bool Under(string path, string directory)
    {
        var dir = directory.TrimEnd('/') + "/";
        return path.StartsWith(dir, StringComparison.Ordinal) && path.Length > dir.Length && !path.Split('/').Contains("..");
    }

    /// <summary>The config must be one the renderer could have written for this domain on this host.</summary>
    private static Problem? Config(XenImage image, XenHost host)
    {
        var parsed = XlConfigParser.Parse(image.Config, image.Domain + ".cfg");
        if (!parsed.Success) return new("config", "does not parse as xl.cfg: " + string.Join("; ", parsed.Messages));
        var cfg = parsed.Config!;
        foreach (var name in cfg.Names)
            if (!ConfigSettings.Contains(name)) return new("config", $"sets '{name}', which SmartDomains never writes");
        if (cfg.String("name") != image.Domain) return new("config: name", $"is not the image's domain {image.Domain}");
        if (cfg.String("uuid") is { } uuid && !Guid.TryParseExact(uuid, "D", out _)) return new("config: uuid", $"{HostValues.Show(uuid)} is not a uuid");
        foreach (var (key, type) in new[] { ("kernel", HostValues.AbsolutePath), ("ramdisk", HostValues.AbsolutePath), ("bootloader", HostValues.Bootloader), ("cmdline", HostValues.Text) })
            if (cfg.String(key) is { } value && !type.IsValid(value)) return new("config: " + key, type.Refusal(key, value));
        var targets = image.Disks.Select(d => d.OriginalPath).ToHashSet(StringComparer.Ordinal);
        var disks = cfg.StringList("disk");
        for (var i = 0; i < disks.Count; i++)
            if (DiskProblem(disks[i], targets) is { } reason) return new($"config: disk[{i}]", reason);
        var vifs = cfg.StringList("vif");
        for (var i = 0; i < vifs.Count; i++)
            if (VifProblem(vifs[i], host.VifScript) is { } reason) return new($"config: vif[{i}]", reason);
        return null;
    }

    /// <summary>The renderer's disk form only: format, vdev, access, then target, which must be one of the image's own disks.</summary>
    private static string? DiskProblem(string spec, IReadOnlySet<string> targets)
    {
        var at = spec.IndexOf("target=", StringComparison.Ordinal);
        if (at < 0) return $"{HostValues.Show(spec)} has no target=";
        var target = spec[(at + "target=".Length)..];
        var pairs = spec[..at].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Pair).ToList();
        if (pairs.Any(p => p is null)) return $"{HostValues.Show(spec)} holds a value without a key";
        foreach (var (key, value) in pairs.Select(p => p!.Value))
        {
            if (!DiskKeys.Contains(key)) return $"the key '{key}' is not one SmartDomains writes ({string.Join(", ", DiskKeys)})";
            var ok = key switch
            {
                "format" => value is "raw" or "qcow2",
                "vdev" => HostValues.Vdev.IsValid(value),
                "access" => value is "rw" or "ro",
                _ => false,
            };
            if (!ok) return $"{key} {HostValues.Show(value)} is not a value SmartDomains writes";
        }
        if (!targets.Contains(target)) return $"its target {HostValues.Show(target)} is not one of the image's disks";
        return null;
    }

    private static string? VifProblem(string spec, string? hostScript)
    {
        foreach (var raw in spec.Split(','))
        {
            if (Pair(raw.Trim()) is not { } pair) return $"{HostValues.Show(raw)} is not key=value";
            var (key, value) = pair;
            var type = key switch
            {
                "mac" => HostValues.Mac,
                "bridge" => HostValues.Bridge,
                "ip" => HostValues.IpAddress,
                "model" => HostValues.NicModel,
                _ => null,
            };
            if (key == "script")
            {
                if (hostScript is null || value != hostScript)
                    return $"script={HostValues.Show(value)}: a hotplug script is the host's setting (Connect-XenHost -VifScript), never the image's";
                continue;
            }
            if (type is null) return $"the key '{key}' is not one SmartDomains writes ({string.Join(", ", VifKeys)})";
            if (!type.IsValid(value)) return type.Refusal(key, value);
        }
        return null;
    }

    private static (string Key, string Value)? Pair(string token)
    {
        var eq = token.IndexOf('=');
        return eq <= 0 ? null : (token[..eq], token[(eq + 1)..]);
    }
}
