using System.Security.Cryptography;
using System.Text;

namespace SmartDomains.Portal.Server;

public sealed record PortalFileEntry(string Path, long Size, DateTimeOffset Modified);

/// <summary>A file's text and its version: the SHA-256 of its bytes, in lower-case hex.</summary>
public sealed record PortalFileContent(string Path, string Text, string Version);

/// <summary>What a save did. Refused: the file changed on disk since its version was read (or was made meanwhile, for a new
/// file); DiskText and Version are then what is on disk now (DiskText null when the file is gone).</summary>
public sealed record SaveOutcome(bool Saved, string Path, string Version, string? DiskText);

/// <summary>
/// The pool files and template libraries (*.json) under the portal's folder: listing, reading with a version, saving only
/// over the version the editor opened, creating only what does not exist. Every path passes the resolver first.
/// </summary>
public sealed class PortalFiles
{
    public const int MaxListed = 5000;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly object _saves = new();

    public PortalFiles(PortalPathResolver paths) => Paths = paths;

    public PortalPathResolver Paths { get; }

    public static string VersionOf(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>Every *.json under the folder, by path; hidden folders and links that lead out are left out.</summary>
    public IReadOnlyList<PortalFileEntry> List()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        return Directory.EnumerateFiles(Paths.Root, "*.json", options)
            .Select(Paths.Relative)
            .Where(relative => Paths.Resolve(relative) is not null)
            .Order(StringComparer.Ordinal)
            .Take(MaxListed)
            .Select(relative =>
            {
                var info = new FileInfo(Path.Combine(Paths.Root, relative));
                return new PortalFileEntry(relative, info.Length, info.LastWriteTimeUtc);
            })
            .ToArray();
    }

    /// <summary>The full path of an editable file, or null (outside the folder, hidden, or not *.json).</summary>
    public string? Resolve(string relative) =>
        relative.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Paths.Resolve(relative) : null;

    /// <summary>The file's text and version, or null when it is not there.</summary>
    public PortalFileContent? Read(string relative)
    {
        var full = Resolve(relative);
        if (full is null || !File.Exists(full)) return null;
        var bytes = File.ReadAllBytes(full);
        return new PortalFileContent(relative, Text(bytes), VersionOf(bytes));
    }

    /// <summary>Replaces the file with <paramref name="text"/> when its bytes on disk still have <paramref name="expectedVersion"/>.</summary>
    public SaveOutcome Save(string full, string text, string expectedVersion)
    {
        var relative = Paths.Relative(full);
        lock (_saves)
        {
            if (!File.Exists(full)) return new SaveOutcome(false, relative, "", null);
            var disk = File.ReadAllBytes(full);
            var diskVersion = VersionOf(disk);
            if (!string.Equals(diskVersion, expectedVersion, StringComparison.OrdinalIgnoreCase))
                return new SaveOutcome(false, relative, diskVersion, Text(disk));
            var bytes = Utf8.GetBytes(text);
            AtomicFile.Replace(full, bytes);
            return new SaveOutcome(true, relative, VersionOf(bytes), null);
        }
    }

    /// <summary>Makes a new file (and its folders); refused when the file exists.</summary>
    public SaveOutcome Create(string full, string text)
    {
        var relative = Paths.Relative(full);
        lock (_saves)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var bytes = Utf8.GetBytes(text);
            try { AtomicFile.CreateNew(full, bytes); }
            catch (IOException) when (File.Exists(full))
            {
                var disk = File.ReadAllBytes(full);
                return new SaveOutcome(false, relative, VersionOf(disk), Text(disk));
            }
            return new SaveOutcome(true, relative, VersionOf(bytes), null);
        }
    }

    // A BOM is not part of the text the editor shows; the version still covers it, as it covers every byte.
    private static string Text(byte[] bytes) => Utf8.GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);
}
