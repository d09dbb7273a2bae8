using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Images;

/// <summary>
/// A repository of saved images: a local directory on the controller, or a directory on a host. Each image is a directory
/// NAME/ holding NAME.tar.zst (or .tar.gz) and manifest.json. A save writes NAME.partial/ and renames it only once the archive's
/// SHA256 has been verified end to end, so a directory without the suffix and with a matching manifest is a complete image.
/// </summary>
public sealed partial class ImageStore
{
    public const string PartialSuffix = ".partial";
    public const string ManifestFile = "manifest.json";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")]
    private static partial Regex NamePattern();

    private ImageStore(string directory, HostConnection? host)
    {
        Directory = directory;
        Host = host;
    }

    public static ImageStore Local(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new ImageStore(Path.GetFullPath(directory), null);
    }

    public static ImageStore OnHost(HostConnection host, string directory)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!directory.StartsWith('/') || directory.Contains('\0') || directory.Split('/').Contains(".."))
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, host.Name,
                $"A repository on a host needs an absolute path without '..': '{directory}'.");
        return new ImageStore(directory.Length > 1 ? directory.TrimEnd('/') : directory, host);
    }

    /// <summary>The directory (local, or on <see cref="Host"/>).</summary>
    public string Directory { get; }
    /// <summary>The host the repository is on; null for a local repository.</summary>
    public HostConnection? Host { get; }
    public bool IsLocal => Host is null;
    public string Location => IsLocal ? Directory : $"{Host!.Name}:{Directory}";

    public string ImageDirectory(string name) => Combine(Directory, name);
    public string PartialDirectory(string name) => Combine(Directory, name + PartialSuffix);
    internal string Combine(string dir, string name) => IsLocal ? Path.Combine(dir, name) : dir.TrimEnd('/') + "/" + name;

    public static bool IsValidName(string name) =>
        NamePattern().IsMatch(name) && !name.EndsWith(PartialSuffix, StringComparison.Ordinal) && name is not ("." or "..");

    public static void ValidateName(string name)
    {
        if (!IsValidName(name)) throw InvalidName(name);
    }

    public static XenHostException InvalidName(string name) =>
        new(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, null,
            $"{Pools.HostValues.Show(name)} is not a valid image name: use letters, digits, '.', '_', '+' and '-' (at most 128, not ending in {PartialSuffix}).");

    public Task<IReadOnlyList<XenImage>> ListAsync(CancellationToken ct) => ListAsync(false, ct);

    /// <summary>The images in the repository, by name. Only complete images, unless <paramref name="includeIncomplete"/>.</summary>
    public async Task<IReadOnlyList<XenImage>> ListAsync(bool includeIncomplete, CancellationToken ct)
    {
        var entries = IsLocal ? ReadLocal() : await ReadHostAsync(ct).ConfigureAwait(false);
        var images = new List<XenImage>();
        foreach (var (dirName, files, manifest) in entries)
        {
            var partial = dirName.EndsWith(PartialSuffix, StringComparison.Ordinal);
            var name = partial ? dirName[..^PartialSuffix.Length] : dirName;
            XenImage image;
            string? problem = partial ? "the save did not finish (a .partial directory)" : null;
            try
            {
                image = manifest is null ? new XenImage { Name = name } : XenImage.FromJson(manifest);
                if (manifest is null) problem ??= "no manifest.json";
            }
            catch (JsonException e)
            {
                image = new XenImage { Name = name };
                problem ??= "manifest.json does not read: " + e.Message;
            }
            if (problem is null)
            {
                if (image.Name != name) problem = $"the manifest names the image '{image.Name}'";
                else if (ImageManifestRules.Structure(image) is { } refused) problem = $"the manifest's {refused}";
                else if (!files.TryGetValue(image.ArchiveFile, out var size)) problem = $"the archive {image.ArchiveFile} is missing";
                else if (size != image.ArchiveBytes) problem = $"the archive has {size} bytes, the manifest says {image.ArchiveBytes}";
            }
            image.Location = IsLocal ? Combine(Directory, dirName) : $"{Host!.Name}:{Combine(Directory, dirName)}";
            image.Complete = problem is null;
            image.Problem = problem;
            image.Store = this;
            if (image.Complete || includeIncomplete) images.Add(image);
        }
        return images.OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Complete ? 0 : 1).ToArray();
    }

    /// <summary>The complete image of that name, or XenImageNotFound.</summary>
    public async Task<XenImage> GetAsync(string name, CancellationToken ct)
    {
        var all = await ListAsync(true, ct).ConfigureAwait(false);
        var found = all.FirstOrDefault(i => i.Name == name && i.Complete);
        if (found is not null) return found;
        var incomplete = all.FirstOrDefault(i => i.Name == name);
        var have = all.Where(i => i.Complete).Select(i => i.Name).ToArray();
        throw new XenHostException(XenErrorIds.ImageNotFound, XenErrorCategory.ObjectNotFound, Host?.Name,
            incomplete is not null
                ? $"The image '{name}' in {Location} is not complete ({incomplete.Problem}); save it again."
                : $"There is no image '{name}' in {Location}; " + (have.Length == 0 ? "it holds none." : "it holds: " + string.Join(", ", have) + "."));
    }

    /// <summary>The archive's path (local, or on the host).</summary>
    public string ArchivePath(XenImage image) => Combine(ImageDirectory(image.Name), image.ArchiveFile);

    /// <summary>Deletes an image's directory (complete, or a .partial left by an interrupted save). Host deletions are journaled.</summary>
    public async Task RemoveAsync(XenImage image, CancellationToken ct)
    {
        var dir = image.Complete ? ImageDirectory(image.Name) : PartialDirectory(image.Name);
        if (IsLocal)
        {
            if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
            return;
        }
        var journal = new HostJournal(Host!);
        var kind = image.Complete ? ImageResourceKinds.SavedImage : ImageResourceKinds.Temp;
        await new JournaledStep { Kind = kind, Resource = dir, Domain = image.Domain.Length > 0 ? image.Domain : null }
            .RunAsync(journal, JournalOp.Undo, JournalOp.Undone, StagingDirectory.RemoveTree(dir), l => Host!.RunAsync(l, ct))
            .ConfigureAwait(false);
    }

    /// <summary>SHA256 of a local file (lower-case hex).</summary>
    internal static async Task<string> HashLocalAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false)).ToLowerInvariant();
    }

    private IEnumerable<(string Dir, Dictionary<string, long> Files, string? Manifest)> ReadLocal()
    {
        if (!System.IO.Directory.Exists(Directory)) yield break;
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var files = System.IO.Directory.EnumerateFiles(dir, "*.tar.*").Select(f => new FileInfo(f))
                .ToDictionary(f => f.Name, f => f.Length);
            var manifestPath = Path.Combine(dir, ManifestFile);
            string? manifest = null;
            try { if (File.Exists(manifestPath)) manifest = File.ReadAllText(manifestPath); }
            catch (IOException) { }
            yield return (Path.GetFileName(dir), files, manifest);
        }
    }

    private async Task<IReadOnlyList<(string Dir, Dictionary<string, long> Files, string? Manifest)>> ReadHostAsync(CancellationToken ct)
    {
        var result = await Host!.RunAsync(RemoteCommand.Script(Scripts.RepositoryList, Directory), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.ImageNotFound, XenErrorCategory.ReadError, Host.Name,
                $"Could not list the image repository {Location}: {result.StdErr.Trim()}");
        var list = new List<(string, Dictionary<string, long>, string?)>();
        string? dir = null;
        Dictionary<string, long> files = new();
        System.Text.StringBuilder? manifest = null;
        void Flush() { if (dir is not null) list.Add((dir, files, manifest?.ToString())); }
        foreach (var line in result.StdOut.Split('\n'))
        {
            if (line.StartsWith("@@dir ", StringComparison.Ordinal))
            {
                Flush();
                (dir, files, manifest) = (line[6..], new Dictionary<string, long>(), null);
            }
            else if (line.StartsWith("@@file ", StringComparison.Ordinal) && manifest is null)
            {
                var parts = line[7..].Split(' ');
                if (parts.Length == 2 && long.TryParse(parts[1], out var size)) files[parts[0]] = size;
            }
            else if (line == "@@manifest" && manifest is null) manifest = new System.Text.StringBuilder();
            else manifest?.Append(line).Append('\n');
        }
        Flush();
        return list;
    }

    public override string ToString() => Location;
}
