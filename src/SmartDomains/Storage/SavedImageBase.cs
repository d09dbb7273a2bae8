using System.Diagnostics;
using System.Security.Cryptography;
using SmartDomains.Images;

namespace SmartDomains.Storage;

/// <summary>
/// Lets a disk of a saved image (Save-XenImage) serve as the base of pool disks: "IMAGE/disk-0" in a repository that also
/// holds saved images. The member is unpacked once, sparse, into the repository's cache and checked against the manifest.
/// </summary>
internal static class SavedImageBase
{
    public static string? TryExtract(string repository, string reference)
    {
        var parts = reference.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p is "." or "..")) return null;
        var dir = Path.Combine(repository, parts[0]);
        var manifestPath = Path.Combine(dir, "manifest.json");
        if (!File.Exists(manifestPath)) return null;
        var image = XenImage.FromJson(File.ReadAllText(manifestPath));
        // The manifest names files on this machine (the archive, the cache): an edited one is refused before any is touched.
        if (ImageManifestRules.Structure(image) is { } refused)
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidData, null,
                $"The saved image {parts[0]} in {repository} is refused as a base image: its manifest's {refused}.");
        var member = image.Members.FirstOrDefault(m => m.Name == parts[1] && m.Kind == "disk")
            ?? throw new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, null,
                $"The saved image {parts[0]} has no disk named '{parts[1]}'; it has: {string.Join(", ", image.Members.Where(m => m.Kind == "disk").Select(m => m.Name))}.");

        var cache = Directory.CreateDirectory(Path.Combine(repository, ".extracted", image.ArchiveSha256[..16])).FullName;
        var target = Path.Combine(cache, member.Name + ".img");
        if (File.Exists(target) && new FileInfo(target).Length == member.SizeBytes) return target;

        var work = Directory.CreateTempSubdirectory("sd-unpack-").FullName;
        try
        {
            Unpack(Path.Combine(dir, image.ArchiveFile), image.Compression, member.Name, work);
            var unpacked = Path.Combine(work, member.Name);
            using (var s = File.OpenRead(unpacked))
            {
                var sha = Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
                if (sha != member.Sha256)
                    throw new XenHostException(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, null,
                        $"The disk {member.Name} of saved image {parts[0]} does not match its manifest (SHA256 {sha}, expected {member.Sha256}).");
            }
            File.Move(unpacked, target, overwrite: true);
            return target;
        }
        finally { Directory.Delete(work, true); }
    }

    /// <summary>GNU tar unpacks the one member, keeping holes; the compressor is the one the manifest names.</summary>
    private static void Unpack(string archive, string compression, string member, string into)
    {
        var psi = new ProcessStartInfo("tar") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-x", "-S", "-C", into, "-f", archive, $"--use-compress-program={(compression == "zstd" ? "zstd" : compression == "pigz" ? "pigz" : "gzip")}", member })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new XenHostException(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, null, $"Unpacking {member} from {archive} failed: {err.Trim()}");
    }
}
