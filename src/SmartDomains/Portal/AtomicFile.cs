using System.Security.Cryptography;

namespace SmartDomains.Portal;

/// <summary>
/// Writes a whole file so that a reader sees the old bytes or the new ones, never a part: the bytes go to a temp file in the
/// same folder (a rename across file systems would be a copy), are flushed to the disk, and the temp file is renamed over
/// the target. A new file keeps no mode of its own; a replaced one keeps the old file's mode.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces (or creates) <paramref name="path"/>.</summary>
    public static void Replace(string path, byte[] bytes) => Write(path, bytes, overwrite: true);

    /// <summary>Creates <paramref name="path"/>; an IOException when it exists, even when another writer made it meanwhile.</summary>
    public static void CreateNew(string path, byte[] bytes) => Write(path, bytes, overwrite: false);

    /// <summary>The temp files this class leaves behind only if the process dies between write and rename; dot-led, so hidden.</summary>
    public static bool IsTempName(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(".saving", StringComparison.Ordinal);

    private static void Write(string path, byte[] bytes, bool overwrite)
    {
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.saving");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (overwrite && !OperatingSystem.IsWindows() && File.Exists(path)) File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            // Without overwrite .NET links the temp file to the target on Unix, which fails when the target exists: no
            // window in which a file made by someone else could be replaced.
            File.Move(temp, path, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
