using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>
/// Prepares and removes a host's storage: image files (sparse, or clones of a cached base image) and LVM volumes. Every
/// resource is journaled before it is made, in the same round trip; a failure removes what was made and journals
/// failed then undone. Nothing the journal does not list as the module's is ever overwritten or removed.
/// </summary>
public sealed class HostStorage
{
    public const string SparseFile = "sparse-file";
    public const string Qcow2File = "qcow2-file";
    public const string Qcow2BackingFile = "qcow2-backing-file";
    public const string ReflinkCopy = "reflink-copy";
    public const string SparseCopy = "sparse-copy";
    public const string LvCreate = "lvcreate";
    public const string LvmSnapshot = "lvm-snapshot";
    public const string Existing = "existing";

    private readonly HostConnection _host;
    private readonly BaseImageCache _cache;
    private readonly ImageFiles _files;
    private readonly VolumeStorage _volumes;
    private readonly StorageUndo _undo;

    public HostStorage(HostConnection host, HostJournal journal, ImageRepository? repository)
    {
        _host = host;
        _undo = new StorageUndo(host, journal);
        _cache = new BaseImageCache(host, journal, repository, _undo);
        _files = new ImageFiles(host, journal, _cache, _undo);
        _volumes = new VolumeStorage(host, journal, _undo);
    }

    /// <summary>Where base images are cached on a host: &lt;StateDir&gt;/images.</summary>
    public string CacheDir => _cache.Dir;
    public string CachePath(BaseImage image) => _cache.PathOf(image);

    /// <param name="known">The journal and the stat of the item's path and directory, if read just before (image files only).</param>
    public async Task<StorageResult> PrepareAsync(StorageItem item, string pool, CancellationToken ct, KnownPaths? known = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        var watch = Stopwatch.StartNew();
        return item.Kind == StorageKind.LogicalVolume
            ? await _volumes.PrepareAsync(item, pool, watch, ct).ConfigureAwait(false)
            : await _files.PrepareAsync(item, pool, watch, ct, known).ConfigureAwait(false);
    }

    /// <summary>The exact host commands PrepareAsync would run for an item not yet made (for -WhatIf). No host is contacted.</summary>
    public IReadOnlyList<string> DescribePrepare(StorageItem item, string pool)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        return item.Kind == StorageKind.LogicalVolume ? _volumes.Describe(item, pool) : _files.Describe(item, pool);
    }

    /// <summary>
    /// Sends a base image to the host once (SFTP to a temp name, sha256 on the host, then renamed into the cache) and returns
    /// the cached copy's path. A copy the journal lists as made, with the right size, is used as it is.
    /// </summary>
    public Task<string> EnsureBaseImageAsync(BaseImage image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        return _cache.EnsureAsync(image, ct);
    }

    /// <summary>Removes one journaled resource (image, volume, directory or base image) and journals undo then undone.</summary>
    public Task RemoveAsync(string kind, string resource, CancellationToken ct) => _undo.RemoveAsync(kind, resource, ct);
}
