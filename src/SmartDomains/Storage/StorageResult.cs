using SmartDomains.Planning;

namespace SmartDomains.Storage;

/// <summary>
/// What preparing one storage item did. Method is one of "sparse-file", "qcow2-backing-file", "reflink-copy", "sparse-copy",
/// "lvcreate", "lvm-snapshot" or "existing".
/// </summary>
public sealed record StorageResult(StorageItem Item, string Method, TimeSpan Duration, string? BaseImageSha256, bool Reused)
{
    /// <summary>
    /// The format of what is on the host: "raw" or "qcow2". Render the disk with this, not with Item.Format: a qcow2 clone asked
    /// for on a host without qemu-img is made as a raw copy of the base (then Format is "raw" and FormatChanged is true).
    /// </summary>
    public string Format { get; init; } = "raw";

    /// <summary>True when Format differs from what the item asked for.</summary>
    public bool FormatChanged => !string.Equals(Format, Item.Format, StringComparison.OrdinalIgnoreCase);

    /// <summary>The host path or /dev/VG/NAME of what was made or reused (Item.Path).</summary>
    public string Target => Item.Path;

    /// <summary>The base image (cached copy on the host) or origin volume it was cloned from, if any.</summary>
    public string? BasePath { get; init; }

    /// <summary>Human notes: a format fallback, a filesystem not made on a clone.</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{Item.Host}:{Item.Path} ({Method}, {Format}{(Reused ? ", reused" : "")})";
}
