using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>What a disk target must be, checked before any host command; and the errors that name a target.</summary>
internal static class StorageTargets
{
    public static XenHostException Conflict(HostConnection host, string path, JournalResource? record) =>
        new(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, host.Name,
            $"{host.Name}:{path} already exists and the journal does not list it as the module's" +
            (record is { Removed: true } ? " (the module removed its own earlier)" : "") + "; it is never overwritten.")
        { RecommendedAction = "Move or remove it yourself if it is not needed, or give the disk another target." };

    public static XenHostException Invalid(HostConnection host, StorageItem item, string why) =>
        new(XenErrorIds.StorageInvalid, XenErrorCategory.InvalidArgument, host.Name, $"The disk {item.Host}:{item.Path} of {item.Domain}: {why}.");

    public static void ValidateFile(HostConnection host, StorageItem item)
    {
        CheckPath(host, item);
        if (item.Format is not ("raw" or "qcow2")) throw Invalid(host, item, $"the format '{item.Format}' is not raw or qcow2");
        if (FromOf(item) is null && item.SizeBytes <= 0) throw Invalid(host, item, "a size is needed for an image that is not a clone");
        if (item.SizeBytes < 0) throw Invalid(host, item, "the size is negative");
        if (FilesystemOf(item) is not null && !string.Equals(FilesystemOf(item), "ext4", StringComparison.OrdinalIgnoreCase))
            throw Invalid(host, item, $"the filesystem '{FilesystemOf(item)}' is not supported (ext4 is)");
    }

    public static (string Vg, string Name) ValidateVolume(HostConnection host, StorageItem item)
    {
        if (!LogicalVolumes.TryParsePath(item.Path, out var vg, out var name))
            throw Invalid(host, item, "a volume's target must be /dev/VG/NAME with LVM names (letters, digits, + _ . -)");
        if (item.VolumeGroup is not null && item.VolumeGroup != vg)
            throw Invalid(host, item, $"the target is in {vg}, not in the volume group {item.VolumeGroup}");
        if (item.SizeBytes <= 0) throw Invalid(host, item, "a volume needs a size");
        return (vg, name);
    }

    private static void CheckPath(HostConnection host, StorageItem item)
    {
        var p = item.Path;
        if (string.IsNullOrEmpty(p) || p[0] != '/' || p.EndsWith('/') || p.Any(c => c is '\0' or '\n' or '\r')
            || p.Split('/').Skip(1).Any(s => s is "" or "." or ".."))
            throw Invalid(host, item, "an image target must be an absolute path without . or .. parts, control characters or a trailing /");
        if (ParentOf(p) == "/") throw Invalid(host, item, "an image must not be made in /");
    }

    public static string ParentOf(string path)
    {
        var i = path.TrimEnd('/').LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    // Callers (PowerShell among them) may give "" for "none".
    public static string? FromOf(StorageItem item) => string.IsNullOrWhiteSpace(item.From) ? null : item.From;
    public static string? FilesystemOf(StorageItem item) => string.IsNullOrWhiteSpace(item.Filesystem) ? null : item.Filesystem;
}
