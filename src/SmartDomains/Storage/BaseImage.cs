namespace SmartDomains.Storage;

/// <summary>A base image in the local image repository, with its SHA256 (lower-case hex) and size in bytes.</summary>
public sealed record BaseImage(string Name, string LocalPath, string Sha256, long SizeBytes)
{
    /// <summary>"qcow2" for a NAME.qcow2 file, otherwise "raw".</summary>
    public string Format => LocalPath.EndsWith(".qcow2", StringComparison.OrdinalIgnoreCase) ? "qcow2" : "raw";

    /// <summary>
    /// The SHA256 of the bytes in <see cref="Ranges"/> (its data extents, widened and merged), from the same read as
    /// <see cref="Sha256"/>: an upload sends exactly those ranges into a new file, so the host checks it by them without
    /// reading a hole. Empty when unknown: the host then checks the whole file's SHA256.
    /// </summary>
    public string RangesSha256 { get; init; } = "";
    public IReadOnlyList<Transport.SparseFile.Extent> Ranges { get; init; } = Array.Empty<Transport.SparseFile.Extent>();

    /// <summary>The file name of the cached copy on a host: the hash, and the format's suffix.</summary>
    public string CacheFileName => Sha256 + (Format == "qcow2" ? ".qcow2" : ".img");
}
