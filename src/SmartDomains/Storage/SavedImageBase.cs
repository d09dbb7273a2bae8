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
            var unpacked = Path.Combine(work, member.Name);
            if (image.FormatVersion >= 2)
            {
                // What tar reads is hashed on its way in: the tar stream's SHA256 vouches for the member, holes included.
                var stream = Unpack(Path.Combine(dir, image.ArchiveFile), image.Compression, member.Name, work);
                if (stream != image.StreamSha256)
                    throw Mismatch(parts[0], member, $"the tar stream has SHA256 {stream}, expected {image.StreamSha256}");
                if (!File.Exists(unpacked) || new FileInfo(unpacked).Length != member.SizeBytes)
                    throw Mismatch(parts[0], member, $"it has {(File.Exists(unpacked) ? new FileInfo(unpacked).Length : 0)} bytes, expected {member.SizeBytes}");
            }
            else
            {
                Unpack(Path.Combine(dir, image.ArchiveFile), image.Compression, member.Name, work);
                using var s = File.OpenRead(unpacked);
                var sha = Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
                if (sha != member.Sha256) throw Mismatch(parts[0], member, $"SHA256 {sha}, expected {member.Sha256}");
            }
            File.Move(unpacked, target, overwrite: true);
            return target;
        }
        finally { Directory.Delete(work, true); }
    }

    private static XenHostException Mismatch(string image, ImageMember member, string why) =>
        new(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, null, $"The disk {member.Name} of saved image {image} does not match its manifest ({why}).");

    /// <summary>
    /// The decompressor the manifest names feeds GNU tar, which unpacks the one member keeping holes; returns the SHA256 of the
    /// tar stream (all of it: what tar leaves after the member is read and hashed too).
    /// </summary>
    private static string Unpack(string archive, string compression, string member, string into)
    {
        var decompress = new ProcessStartInfo(compression == "zstd" ? "zstd" : compression == "pigz" ? "pigz" : "gzip")
        { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-dc", "--", archive } };
        var tar = new ProcessStartInfo("tar") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-x", "-S", "-C", into, "-f", "-", member }) tar.ArgumentList.Add(a);
        using var d = Process.Start(decompress)!;
        using var t = Process.Start(tar)!;
        var dErr = d.StandardError.ReadToEndAsync();
        var tErr = t.StandardError.ReadToEndAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var feeding = true;
        for (int n; (n = d.StandardOutput.BaseStream.Read(buffer)) > 0;)
        {
            sha.AppendData(buffer, 0, n);
            if (!feeding) continue;
            try { t.StandardInput.BaseStream.Write(buffer, 0, n); }
            catch (IOException) { feeding = false; }   // tar stopped reading: its exit code tells why
        }
        try { t.StandardInput.Close(); } catch (IOException) { }
        d.WaitForExit();
        t.WaitForExit();
        if (d.ExitCode != 0 || t.ExitCode != 0)
            throw new XenHostException(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, null,
                $"Unpacking {member} from {archive} failed: {(dErr.Result + " " + tErr.Result).Trim()}");
        return Convert.ToHexString(sha.GetCurrentHash()).ToLowerInvariant();
    }
}
