using Newtonsoft.Json;

namespace SmartDomains.Images;

/// <summary>One file in an image archive: the domain's memory (xl save output) or one of its disks.</summary>
/// <param name="Name">The member's name inside the archive (memory.save, disk-0, disk-1...).</param>
/// <param name="Kind">memory or disk.</param>
/// <param name="OriginalPath">Where the file was on the source host (the save file's temp path for memory).</param>
/// <param name="SizeBytes">The file's apparent size (a sparse disk counts its holes).</param>
/// <param name="Sha256">Format 1 only: SHA256 of the whole file, holes read as zeros, lower-case hex. Format 2 records the tar
/// stream's SHA256 instead (<see cref="XenImage.StreamSha256"/>), so no hole is read to save or verify it.</param>
public sealed record ImageMember(
    [property: JsonProperty("name")] string Name,
    [property: JsonProperty("kind")] string Kind,
    [property: JsonProperty("originalPath")] string OriginalPath,
    [property: JsonProperty("sizeBytes")] long SizeBytes,
    [property: JsonProperty("sha256", NullValueHandling = NullValueHandling.Ignore)] string? Sha256 = null)
{
    public const string Memory = "memory";
    public const string Disk = "disk";
}

/// <summary>
/// A saved domain: its manifest (manifest.json next to the archive) plus where it is. An image is complete only when its
/// directory has its final name, its manifest reads, and its archive has the size the manifest says.
/// </summary>
public sealed class XenImage
{
    /// <summary>1: each member's SHA256 (holes hashed as zeros). 2: the SHA256 of the uncompressed tar stream (data extents and
    /// headers), checked while restore extracts it. Both are read and verified.</summary>
    public const int CurrentFormatVersion = 2;
    public const int FirstFormatVersion = 1;

    [JsonProperty("formatVersion")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonProperty("name")] public string Name { get; init; } = "";
    [JsonProperty("domain")] public string Domain { get; init; } = "";
    [JsonProperty("pool", NullValueHandling = NullValueHandling.Ignore)] public string? Pool { get; init; }
    [JsonProperty("sourceHost")] public string SourceHost { get; init; } = "";
    [JsonProperty("created")] public DateTimeOffset Created { get; init; }
    [JsonProperty("checkpoint")] public bool Checkpoint { get; init; }
    /// <summary>zstd, pigz or gzip (pigz writes gzip format; either restores with gzip).</summary>
    [JsonProperty("compression")] public string Compression { get; init; } = "";
    /// <summary>The domain's xl.cfg text, or empty when the module did not write one (the save file then holds the config).</summary>
    [JsonProperty("config")] public string Config { get; init; } = "";
    /// <summary>Where the config was on the source host, if the journal listed one.</summary>
    [JsonProperty("configPath", NullValueHandling = NullValueHandling.Ignore)] public string? ConfigPath { get; init; }
    [JsonProperty("members")] public IReadOnlyList<ImageMember> Members { get; init; } = Array.Empty<ImageMember>();
    /// <summary>The archive's file name in the image directory (NAME.tar.zst or NAME.tar.gz).</summary>
    [JsonProperty("archiveFile")] public string ArchiveFile { get; init; } = "";
    [JsonProperty("archiveBytes")] public long ArchiveBytes { get; init; }
    [JsonProperty("archiveSha256")] public string ArchiveSha256 { get; init; } = "";
    /// <summary>Format 2: the SHA256 of the tar stream inside the compression (what tar -S wrote: headers and data extents).</summary>
    [JsonProperty("streamSha256", NullValueHandling = NullValueHandling.Ignore)] public string? StreamSha256 { get; init; }

    /// <summary>The image directory: a local path, or host:path for a repository on a host.</summary>
    [JsonIgnore] public string Location { get; internal set; } = "";
    [JsonIgnore] public bool Complete { get; internal set; }
    /// <summary>Why an image is not complete (for Get-XenImage -IncludeIncomplete).</summary>
    [JsonIgnore] public string? Problem { get; internal set; }
    [JsonIgnore] public ImageStore? Store { get; internal set; }
    /// <summary>How long the save took (set on the object Save-XenImage returns).</summary>
    [JsonIgnore] public TimeSpan? Duration { get; internal set; }

    [JsonIgnore] public long DataBytes => Members.Sum(m => m.SizeBytes);
    [JsonIgnore] public IEnumerable<ImageMember> Disks => Members.Where(m => m.Kind == ImageMember.Disk);
    [JsonIgnore] public ImageMember? MemoryMember => Members.FirstOrDefault(m => m.Kind == ImageMember.Memory);

    public string ToJson() => JsonConvert.SerializeObject(this, Formatting.Indented);

    public static XenImage FromJson(string json) =>
        JsonConvert.DeserializeObject<XenImage>(json, new JsonSerializerSettings { DateParseHandling = DateParseHandling.DateTimeOffset })
        ?? throw new JsonSerializationException("The manifest is empty.");

    public override string ToString() => $"{Name} ({Domain} from {SourceHost})";
}


/// <summary>Journal kinds the image code adds (the lifecycle's kinds are in State.ResourceKinds).</summary>
public static class ImageResourceKinds
{
    /// <summary>A temporary directory on the host (save or restore staging, a repository's NAME.partial): removed with rm -rf.</summary>
    public const string Temp = "temp";
    /// <summary>A complete saved image in a repository on the host (a directory holding the archive and manifest.json).</summary>
    public const string SavedImage = "saved-image";
}
