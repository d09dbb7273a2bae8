namespace SmartDomains.Planning;

public enum StorageKind { ImageFile, LogicalVolume }

/// <summary>One disk to prepare on a host before its domain boots.</summary>
public sealed class StorageItem
{
    public required string Host { get; init; }
    public required string Domain { get; init; }
    public required StorageKind Kind { get; init; }
    public required string Path { get; init; }
    public long SizeBytes { get; init; }
    public string Format { get; init; } = "raw";
    public string? From { get; init; }
    public string? Filesystem { get; init; }
    public string? VolumeGroup { get; init; }
    public long SizeMiB => Pools.Sizes.ToMiB(SizeBytes);

    public override string ToString() => $"{Host}:{Path}";
}
