namespace SmartDomains.Storage;

/// <summary>A base image in the local image repository, with its SHA256 (lower-case hex) and size in bytes.</summary>
public sealed record BaseImage(string Name, string LocalPath, string Sha256, long SizeBytes)
{
    /// <summary>"qcow2" for a NAME.qcow2 file, otherwise "raw".</summary>
    public string Format => LocalPath.EndsWith(".qcow2", StringComparison.OrdinalIgnoreCase) ? "qcow2" : "raw";

    /// <summary>The file name of the cached copy on a host: the hash, and the format's suffix.</summary>
    public string CacheFileName => Sha256 + (Format == "qcow2" ? ".qcow2" : ".img");
}

/// <summary>The stable error ids of storage preparation. Scripts match on these, so never rename one.</summary>
public static class StorageErrorIds
{
    /// <summary>A path or volume exists that the journal does not list as the module's: it is never overwritten.</summary>
    public const string Conflict = "XenStorageConflict";
    /// <summary>The host's filesystem or volume group ran out of space.</summary>
    public const string NoSpace = "XenStorageNoSpace";
    /// <summary>A host command that makes or removes storage failed.</summary>
    public const string Failed = "XenStorageFailed";
    /// <summary>A storage item that cannot be made as asked (bad path, name, size or filesystem).</summary>
    public const string Invalid = "XenStorageInvalid";
    /// <summary>A resource the journal does not list as the module's was asked to be removed.</summary>
    public const string NotJournaled = "XenStorageNotJournaled";
    /// <summary>The resource is still used by another journaled resource (a base image behind a qcow2 clone).</summary>
    public const string InUse = "XenStorageInUse";
    public const string BaseImageNotFound = "XenBaseImageNotFound";
    /// <summary>The copy on the host does not have the SHA256 of the local base image.</summary>
    public const string BaseImageCorrupt = "XenBaseImageCorrupt";
}
