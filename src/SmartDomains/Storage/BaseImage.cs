namespace SmartDomains.Storage;

/// <summary>A base image in the local image repository, with its SHA256 (lower-case hex) and size in bytes.</summary>
public sealed record BaseImage(string Name, string LocalPath, string Sha256, long SizeBytes)
{
    /// <summary>"qcow2" for a NAME.qcow2 file, otherwise "raw".</summary>
    public string Format => LocalPath.EndsWith(".qcow2", StringComparison.OrdinalIgnoreCase) ? "qcow2" : "raw";

    /// <summary>The file name of the cached copy on a host: the hash, and the format's suffix.</summary>
    public string CacheFileName => Sha256 + (Format == "qcow2" ? ".qcow2" : ".img");
}
