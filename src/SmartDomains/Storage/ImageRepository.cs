using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace SmartDomains.Storage;

/// <summary>
/// A local directory of base images: NAME.img, NAME.raw or NAME.qcow2. A name or a path resolves to a <see cref="BaseImage"/>.
/// Base images are GBs, so each SHA256 is computed once and kept in a sidecar (NAME.img.sha256: hash, size, mtime); the sidecar
/// counts only while the image's size and modification time are unchanged. A read-only repository keeps the hash in memory.
/// </summary>
public sealed class ImageRepository
{
    public static readonly string[] Extensions = { ".img", ".raw", ".qcow2" };
    private static readonly ConcurrentDictionary<string, (long Size, long MTime, string Sha)> Memory = new();

    public ImageRepository(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>How many hashes this process has computed by reading a whole image (for tests of the cache).</summary>
    public static int HashesComputed => _hashesComputed;
    private static int _hashesComputed;

    /// <summary>The base image names the repository holds.</summary>
    public IReadOnlyList<string> Names =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <summary>A name (NAME, NAME.img, NAME.qcow2...) in the repository, or a path to an image file anywhere.</summary>
    public BaseImage Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        var path = Find(nameOrPath) ?? SavedImageBase.TryExtract(Directory, nameOrPath) ?? throw NotFound(nameOrPath);
        var info = new FileInfo(path);
        var name = path.Contains("/.extracted/") ? nameOrPath.Replace('/', '-') : Path.GetFileNameWithoutExtension(path);
        return new BaseImage(name, info.FullName, Hash(info), info.Length);
    }

    private string? Find(string nameOrPath)
    {
        var looksLikePath = nameOrPath.Contains('/') || nameOrPath.Contains('\\') || Path.IsPathRooted(nameOrPath);
        if (looksLikePath)
        {
            var full = Path.IsPathRooted(nameOrPath) ? nameOrPath : Path.Combine(Directory, nameOrPath);
            return File.Exists(full) ? Path.GetFullPath(full) : null;
        }
        var exact = Path.Combine(Directory, nameOrPath);
        if (Extensions.Contains(Path.GetExtension(nameOrPath), StringComparer.OrdinalIgnoreCase) && File.Exists(exact)) return exact;
        return Extensions.Select(e => Path.Combine(Directory, nameOrPath + e)).FirstOrDefault(File.Exists);
    }

    private XenHostException NotFound(string nameOrPath)
    {
        var names = Names;
        var have = names.Count == 0 ? "it holds no images (.img, .raw, .qcow2)" : "it holds: " + string.Join(", ", names);
        return new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, null,
            $"The base image '{nameOrPath}' was not found in the image repository {Directory}; {have}.")
        {
            RecommendedAction = "Put NAME.img, NAME.raw or NAME.qcow2 in the repository directory, or give the path of an image file.",
        };
    }

    /// <summary>Forgets the hashes held in memory (tests of the sidecar).</summary>
    internal static void ClearMemoryCache() => Memory.Clear();

    public static string SidecarPath(string imagePath) => imagePath + ".sha256";

    /// <summary>The SHA256 of an image: from memory or the sidecar when size and mtime match, otherwise read and recorded.</summary>
    public static string Hash(FileInfo image)
    {
        var size = image.Length;
        var mtime = image.LastWriteTimeUtc.Ticks;
        if (Memory.TryGetValue(image.FullName, out var m) && m.Size == size && m.MTime == mtime) return m.Sha;
        var sidecar = SidecarPath(image.FullName);
        var fromSidecar = ReadSidecar(sidecar, size, mtime);
        if (fromSidecar is not null)
        {
            Memory[image.FullName] = (size, mtime, fromSidecar);
            return fromSidecar;
        }
        string sha;
        using (var stream = new FileStream(image.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            sha = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        Interlocked.Increment(ref _hashesComputed);
        // The image may have changed while it was read: record the hash only if it did not.
        image.Refresh();
        if (image.Length == size && image.LastWriteTimeUtc.Ticks == mtime)
        {
            Memory[image.FullName] = (size, mtime, sha);
            WriteSidecar(sidecar, sha, size, mtime, image.Name);
        }
        return sha;
    }

    // Line 1 is sha256sum's own format (so `sha256sum -c NAME.img.sha256` works in the repository); line 2 what it is valid for.
    private static void WriteSidecar(string sidecar, string sha, long size, long mtime, string fileName)
    {
        try
        {
            var temp = sidecar + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(temp, $"{sha}  {fileName}\n# size={size.ToString(CultureInfo.InvariantCulture)} mtime={mtime.ToString(CultureInfo.InvariantCulture)}\n");
            File.Move(temp, sidecar, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only repository: the hash stays in memory for this process.
        }
    }

    private static string? ReadSidecar(string sidecar, long size, long mtime)
    {
        try
        {
            if (!File.Exists(sidecar)) return null;
            var lines = File.ReadAllLines(sidecar);
            if (lines.Length < 2) return null;
            var sha = lines[0].Split(' ', 2)[0];
            if (sha.Length != 64 || !sha.All(Uri.IsHexDigit)) return null;
            var fields = lines[1].TrimStart('#', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            return fields.TryGetValue("size", out var s) && fields.TryGetValue("mtime", out var t)
                   && s == size.ToString(CultureInfo.InvariantCulture) && t == mtime.ToString(CultureInfo.InvariantCulture)
                ? sha.ToLowerInvariant() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
