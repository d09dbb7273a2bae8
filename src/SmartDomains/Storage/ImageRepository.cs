using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using SmartDomains.Transport;

namespace SmartDomains.Storage;

/// <summary>
/// A local directory of base images: NAME.img, NAME.raw or NAME.qcow2. A name or a path resolves to a <see cref="BaseImage"/>.
/// Base images are GBs, so each SHA256 is computed once and kept in a sidecar (NAME.img.sha256: hash, size, mtime); the sidecar
/// counts only while the image's size and modification time are unchanged. A read-only repository keeps the hash in memory.
/// </summary>
public sealed class ImageRepository
{
    public static readonly string[] Extensions = { ".img", ".raw", ".qcow2" };
    private static readonly ConcurrentDictionary<string, (long Size, long MTime, Digests Sha)> Memory = new();
    // The domains of a pool resolve their base at the same moment: one read of the image, the others wait for it.
    private static readonly ConcurrentDictionary<string, Lazy<Digests>> Reading = new();

    /// <summary>
    /// A file's SHA256 (holes read as zeros) and, from the same read, the SHA256 of the bytes in its data ranges
    /// (<see cref="SparseFile.Ranges"/>), which a host can check without reading a hole.
    /// </summary>
    public sealed record Digests(string Sha256, string RangesSha256, IReadOnlyList<SparseFile.Extent> Ranges);

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
        var digests = Digest(info);
        return new BaseImage(name, info.FullName, digests.Sha256, info.Length) { RangesSha256 = digests.RangesSha256, Ranges = digests.Ranges };
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
    public static string Hash(FileInfo image) => Digest(image).Sha256;

    /// <summary>Both digests of an image, from memory or the sidecar when size and mtime match, otherwise read and recorded.</summary>
    public static Digests Digest(FileInfo image)
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
        var key = FormattableString.Invariant($"{image.FullName}\0{size}\0{mtime}");
        var reading = Reading.GetOrAdd(key, _ => new Lazy<Digests>(() =>
        {
            Interlocked.Increment(ref _hashesComputed);
            return Read(image.FullName);
        }));
        Digests sha;
        try { sha = reading.Value; }
        finally { Reading.TryRemove(new KeyValuePair<string, Lazy<Digests>>(key, reading)); }
        // The image may have changed while it was read: record the hash only if it did not.
        image.Refresh();
        if (image.Length == size && image.LastWriteTimeUtc.Ticks == mtime)
        {
            Memory[image.FullName] = (size, mtime, sha);
            WriteSidecar(sidecar, sha, size, mtime, image.Name);
        }
        return sha;
    }

    /// <summary>One sequential read: every byte into the file's SHA256, the bytes inside its ranges into the ranges' too.</summary>
    private static Digests Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        var ranges = SparseFile.Ranges(handle, length);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var inRanges = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var r = 0;
        for (long at = 0; at < length;)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - at)), at);
            if (n == 0) break;
            whole.AppendData(buffer, 0, n);
            for (var i = r; i < ranges.Count && ranges[i].Offset < at + n; i++)
            {
                var from = Math.Max(at, ranges[i].Offset);
                var to = Math.Min(at + n, ranges[i].Offset + ranges[i].Length);
                if (to > from) inRanges.AppendData(buffer, (int)(from - at), (int)(to - from));
                if (ranges[i].Offset + ranges[i].Length <= at + n) r = i + 1;
            }
            at += n;
        }
        static string Hex(IncrementalHash h) => Convert.ToHexString(h.GetCurrentHash()).ToLowerInvariant();
        return new Digests(Hex(whole), Hex(inRanges), ranges);
    }

    // Line 1 is sha256sum's own format (so `sha256sum -c NAME.img.sha256` works in the repository); line 2 what it is valid for;
    // line 3 the ranges' SHA256 and the ranges (OFFSET+LENGTH), which a sidecar from before them lacks (then it is read again).
    private static void WriteSidecar(string sidecar, Digests sha, long size, long mtime, string fileName)
    {
        try
        {
            var temp = sidecar + ".tmp-" + Environment.ProcessId;
            var ranges = string.Join(',', sha.Ranges.Select(e => FormattableString.Invariant($"{e.Offset}+{e.Length}")));
            File.WriteAllText(temp, $"{sha.Sha256}  {fileName}\n# size={size.ToString(CultureInfo.InvariantCulture)} mtime={mtime.ToString(CultureInfo.InvariantCulture)}\n"
                + $"# ranges-sha256={sha.RangesSha256} ranges={ranges}\n");
            File.Move(temp, sidecar, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only repository: the hash stays in memory for this process.
        }
    }

    private static Digests? ReadSidecar(string sidecar, long size, long mtime)
    {
        try
        {
            if (!File.Exists(sidecar)) return null;
            var lines = File.ReadAllLines(sidecar);
            if (lines.Length < 3) return null;
            var sha = lines[0].Split(' ', 2)[0];
            if (sha.Length != 64 || !sha.All(Uri.IsHexDigit)) return null;
            var fields = Fields(lines[1]);
            if (!(fields.TryGetValue("size", out var s) && fields.TryGetValue("mtime", out var t)
                  && s == size.ToString(CultureInfo.InvariantCulture) && t == mtime.ToString(CultureInfo.InvariantCulture))) return null;
            var more = Fields(lines[2]);
            if (!more.TryGetValue("ranges-sha256", out var rangesSha) || rangesSha.Length != 64 || !rangesSha.All(Uri.IsHexDigit)) return null;
            var ranges = new List<SparseFile.Extent>();
            foreach (var r in (more.GetValueOrDefault("ranges") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var ol = r.Split('+');
                if (ol.Length != 2 || !long.TryParse(ol[0], NumberStyles.None, CultureInfo.InvariantCulture, out var o)
                    || !long.TryParse(ol[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l)) return null;
                ranges.Add(new SparseFile.Extent(o, l));
            }
            return new Digests(sha.ToLowerInvariant(), rangesSha.ToLowerInvariant(), ranges);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Fields(string line) =>
        line.TrimStart('#', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
}
