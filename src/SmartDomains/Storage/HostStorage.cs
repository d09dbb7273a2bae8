using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.Remote;
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

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();
    private static readonly Regex DfLine = new(@"^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(.*)$", RegexOptions.Compiled);

    private readonly HostConnection _host;
    private readonly HostJournal _journal;
    private readonly ImageRepository? _repository;

    public HostStorage(HostConnection host, HostJournal journal, ImageRepository? repository)
    {
        _host = host;
        _journal = journal;
        _repository = repository;
    }

    /// <summary>Where base images are cached on a host: &lt;StateDir&gt;/images.</summary>
    public string CacheDir => _host.Host.Layout.BaseImageCache;
    public string CachePath(BaseImage image) => CacheDir + "/" + image.CacheFileName;

    #region prepare

    public async Task<StorageResult> PrepareAsync(StorageItem item, string pool, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        var watch = Stopwatch.StartNew();
        return item.Kind == StorageKind.LogicalVolume
            ? await PrepareVolumeAsync(item, pool, watch, ct).ConfigureAwait(false)
            : await PrepareFileAsync(item, pool, watch, ct).ConfigureAwait(false);
    }

    /// <summary>The exact host commands PrepareAsync would run for an item not yet made (for -WhatIf). No host is contacted.</summary>
    public IReadOnlyList<string> DescribePrepare(StorageItem item, string pool)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        var lines = new List<string>();
        if (item.Kind == StorageKind.LogicalVolume)
        {
            var (vg, name) = ValidateVolume(item);
            var origin = FromOf(item) is null ? null : OriginOf(item, vg);
            lines.Add(LogicalVolumes.List(vg).Display);
            lines.Add(VolumeMakeCommand(item, pool, vg, name, origin, NewAttempt(), out _).Display);
            return lines;
        }
        ValidateFile(item);
        var caps = HostCapabilities.Known(_host);
        if (caps is null)
        {
            lines.Add(HostCapabilities.ProbeCommand(_host).Display);
            lines.Add("# the tools were not probed yet: the commands below assume a host without qemu-img or reflink");
            caps = new HostCapabilities(false, false, true, false);
        }
        var dir = ParentOf(item.Path);
        lines.Add(RemotePaths.StatCommand(item.Path, dir).Display);
        lines.Add(DirectoryMakeCommand(dir, pool, NewAttempt()).Display + "   # only if the directory is missing");
        BaseImage? baseImage = null;
        if (FromOf(item) is not null)
        {
            baseImage = ResolveBase(FromOf(item));
            var remote = CachePath(baseImage);
            var attempt = NewAttempt();
            var data = BaseData(baseImage, remote, attempt);
            lines.Add("# the base image, only if not yet cached on the host:");
            lines.Add(RemoteCommand.All(_journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.BaseImage, remote, null, null, data)),
                RemoteCommand.Of("mkdir", "-p", CacheDir)).Display);
            lines.Add($"sftp put {RemoteCommand.Quote(baseImage.LocalPath)} {RemoteCommand.Quote(TempOf(remote, attempt))}");
            lines.Add(BaseVerifyCommand(baseImage, remote, attempt, data).Display);
        }
        var plan = PlanFile(item, pool, caps, baseImage, NewAttempt());
        lines.Add(plan.Command.Display);
        return lines;
    }

    private async Task<StorageResult> PrepareFileAsync(StorageItem item, string pool, Stopwatch watch, CancellationToken ct)
    {
        ValidateFile(item);
        var path = item.Path;
        var dir = ParentOf(path);
        await using var gate = await LockAsync("file\0" + path, ct).ConfigureAwait(false);

        var (state, stat) = await ReadStateAndStatAsync(ct, path, dir).ConfigureAwait(false);
        var record = state.Find(ResourceKinds.Image, path);
        if (record is { Exists: true } && stat[0].Exists)
        {
            var data = record.Last.Data ?? record.First.Data;
            var format = (string?)data?["format"] ?? item.Format;
            var expected = (long?)data?["sizeBytes"];
            if (format == "raw" && expected is long size && stat[0].Size != size)
                throw new XenHostException(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, _host.Name,
                    $"{_host.Name}:{path} was made by the module with {size} bytes but now has {stat[0].Size}; it is not changed. " +
                    "Remove it (Remove-XenDomain) to make it again.") { RecommendedAction = "Remove the domain's storage, then prepare it again." };
            return new StorageResult(item, Existing, watch.Elapsed, (string?)data?["sha256"], true)
            {
                Format = format,
                BasePath = (string?)data?["base"],
                Notes = new[] { $"made earlier by {(string?)data?["method"] ?? "the module"}" },
            };
        }
        if (record is { HalfMade: true })
            await UndoAsync(record, ct).ConfigureAwait(false);                   // our half-made image: removed, then redone
        else if (stat[0].Exists && record is not { Exists: true })
            throw Conflict(path, record);
        // (journaled as made but missing on the host: made again below)

        if (!stat[1].Exists) await EnsureDirectoryAsync(dir, pool, item.Domain, ct).ConfigureAwait(false);

        BaseImage? baseImage = null;
        if (FromOf(item) is not null)
        {
            baseImage = ResolveBase(FromOf(item));
            await EnsureBaseImageAsync(baseImage, ct).ConfigureAwait(false);
        }
        var needsCaps = FromOf(item) is not null || item.Format == "qcow2";
        var caps = needsCaps ? await HostCapabilities.GetAsync(_host, ct).ConfigureAwait(false) : new HostCapabilities(false, false, true, false);
        var attempt = NewAttempt();
        var plan = PlanFile(item, pool, caps, baseImage, attempt);
        var result = await _host.RunAsync(plan.Command, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (result.ExitedWith(HostScriptExit.Exists)) throw Conflict(path, null);
            await FailAsync(ResourceKinds.Image, path, attempt, result, needed: plan.NeededBytes, ct).ConfigureAwait(false);
        }
        return new StorageResult(item, plan.Method, watch.Elapsed, baseImage?.Sha256, false)
        {
            Format = plan.Format,
            BasePath = baseImage is null ? null : CachePath(baseImage),
            Notes = plan.Notes,
        };
    }

    private sealed record FilePlan(string Method, string Format, RemoteCommand Command, IReadOnlyList<string> Notes, long NeededBytes);

    private FilePlan PlanFile(StorageItem item, string pool, HostCapabilities caps, BaseImage? baseImage, string attempt)
    {
        var path = item.Path;
        var size = item.SizeBytes.ToString(CultureInfo.InvariantCulture);
        var notes = new List<string>();
        var make = new List<RemoteCommand>();
        string method, format;
        long? onDisk;   // the size the file has when made (raw files), for the reuse check
        long needed = 0;
        string? backing = null;
        if (baseImage is null)
        {
            if (item.Format == "qcow2" && caps.QemuImg)
            {
                method = Qcow2File; format = "qcow2"; onDisk = null;
                make.Add(RemoteCommand.Of("qemu-img", "create", "-q", "-f", "qcow2", path, size));
            }
            else
            {
                if (item.Format == "qcow2") notes.Add("qcow2 was asked for, but the host has no qemu-img: a raw sparse file was made; render it as format=raw");
                method = SparseFile; format = "raw"; onDisk = item.SizeBytes;
                make.Add(RemoteCommand.Of("truncate", "-s", size, path));
            }
            if (FilesystemOf(item) is not null)
            {
                if (format == "raw") make.Add(RemoteCommand.Of("mkfs.ext4", "-F", "-q", path));
                else notes.Add("no filesystem was made: mkfs.ext4 needs a raw image");
            }
        }
        else
        {
            var cache = CachePath(baseImage);
            if (item.Format == "qcow2" && caps.QemuImg)
            {
                method = Qcow2BackingFile; format = "qcow2"; onDisk = null; backing = cache;
                var args = new List<string> { "create", "-q", "-f", "qcow2", "-F", baseImage.Format, "-b", cache, path };
                if (item.SizeBytes > 0) args.Add(size);
                make.Add(RemoteCommand.Of("qemu-img", args));
            }
            else
            {
                method = caps.Reflink ? ReflinkCopy : SparseCopy;
                format = baseImage.Format;
                make.Add(RemoteCommand.Of("cp", caps.Reflink ? "--reflink=always" : "--sparse=always", cache, path));
                needed = caps.Reflink ? 0 : baseImage.SizeBytes;
                if (item.Format == "qcow2" && format == "raw")
                    notes.Add("qcow2 was asked for, but the host has no qemu-img: a raw copy of the base was made; render it as format=raw");
                onDisk = format == "raw" ? Math.Max(baseImage.SizeBytes, item.SizeBytes) : null;
                if (format == "raw" && item.SizeBytes > baseImage.SizeBytes) make.Add(RemoteCommand.Of("truncate", "-s", size, path));
                else if (format == "qcow2" && item.SizeBytes > 0) notes.Add("a copied qcow2 keeps its base's virtual size: growing it needs qemu-img");
            }
            if (FilesystemOf(item) is not null) notes.Add("no filesystem was made: a clone keeps its base image's filesystem");
        }
        var data = new JObject
        {
            ["attempt"] = attempt, ["method"] = method, ["format"] = format, ["sizeBytes"] = onDisk,
            ["requestedFormat"] = item.Format,
        };
        if (baseImage is not null) { data["base"] = CachePath(baseImage); data["sha256"] = baseImage.Sha256; }
        if (backing is not null) data["backing"] = backing;
        var steps = new List<RemoteCommand>
        {
            RemoteCommand.Script(Scripts.PathAbsent, path),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, path, item.Domain, pool, data)),
        };
        steps.AddRange(make);
        steps.Add(_journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Image, path, item.Domain, pool, data)));
        return new FilePlan(method, format, RemoteCommand.All(steps.ToArray()), notes, needed);
    }

    private async Task EnsureDirectoryAsync(string dir, string pool, string? domain, CancellationToken ct)
    {
        await using var gate = await LockAsync("dir\0" + dir, ct).ConfigureAwait(false);
        var stat = await StatAsync(ct, dir).ConfigureAwait(false);
        if (stat[0].Exists) return;      // made meanwhile (by us: journaled; by someone else: not ours, and not claimed)
        var attempt = NewAttempt();
        var result = await _host.RunAsync(DirectoryMakeCommand(dir, pool, attempt, domain), ct).ConfigureAwait(false);
        if (!result.Succeeded) await FailAsync(ResourceKinds.Directory, dir, attempt, result, 0, ct).ConfigureAwait(false);
    }

    private RemoteCommand DirectoryMakeCommand(string dir, string pool, string attempt, string? domain = null)
    {
        var data = new JObject { ["attempt"] = attempt };
        return RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Directory, dir, domain, pool, data)),
            RemoteCommand.Of("mkdir", "-p", dir),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Directory, dir, domain, pool, data)));
    }

    #endregion

    #region base images

    /// <summary>
    /// Sends a base image to the host once (SFTP to a temp name, sha256sum on the host, then renamed into the cache) and returns
    /// the cached copy's path. A copy the journal lists as made, with the right size, is used as it is.
    /// </summary>
    public async Task<string> EnsureBaseImageAsync(BaseImage image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        var remote = CachePath(image);
        await using var gate = await LockAsync("base\0" + remote, ct).ConfigureAwait(false);
        var (state, stat) = await ReadStateAndStatAsync(ct, remote).ConfigureAwait(false);
        var record = state.Find(ResourceKinds.BaseImage, remote);
        if (record is { Exists: true } && stat[0].Exists && stat[0].Size == image.SizeBytes) return remote;
        if (record is { HalfMade: true } || record is { Exists: true })
            await UndoAsync(record, ct).ConfigureAwait(false);                   // half-made, or ours and damaged/missing
        else if (stat[0].Exists)
            throw Conflict(remote, record);

        var attempt = NewAttempt();
        var temp = TempOf(remote, attempt);
        var data = BaseData(image, remote, attempt);
        var begin = await _host.RunAsync(RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.BaseImage, remote, null, null, data)),
            RemoteCommand.Of("mkdir", "-p", CacheDir)), ct).ConfigureAwait(false);
        if (!begin.Succeeded) await FailAsync(ResourceKinds.BaseImage, remote, attempt, begin, image.SizeBytes, ct).ConfigureAwait(false);
        try
        {
            await _host.UploadAsync(image.LocalPath, temp, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !(e is XenHostException x && x.ErrorId == XenErrorIds.HostUnreachable))
        {
            var failed = new CommandResult
            {
                Host = _host.Name, CommandLine = $"sftp put {RemoteCommand.Quote(image.LocalPath)} {RemoteCommand.Quote(temp)}",
                ExitCode = -1, StdErr = e.Message,
            };
            await FailAsync(ResourceKinds.BaseImage, remote, attempt, failed, image.SizeBytes, ct).ConfigureAwait(false);
        }
        var verify = await _host.RunAsync(BaseVerifyCommand(image, remote, attempt, data), ct).ConfigureAwait(false);
        if (!verify.Succeeded)
        {
            if (verify.ExitedWith(HostScriptExit.Corrupt))
                await FailAsync(ResourceKinds.BaseImage, remote, attempt, verify, 0, ct, XenErrorIds.BaseImageCorrupt).ConfigureAwait(false);
            await FailAsync(ResourceKinds.BaseImage, remote, attempt, verify, image.SizeBytes, ct).ConfigureAwait(false);
        }
        return remote;
    }

    private RemoteCommand BaseVerifyCommand(BaseImage image, string remote, string attempt, JObject data) =>
        RemoteCommand.All(
            RemoteCommand.Script(Scripts.VerifySha256, TempOf(remote, attempt), image.Sha256, remote),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.BaseImage, remote, null, null, data)));

    private static JObject BaseData(BaseImage image, string remote, string attempt) => new()
    {
        ["attempt"] = attempt, ["sha256"] = image.Sha256, ["sizeBytes"] = image.SizeBytes, ["name"] = image.Name,
        ["format"] = image.Format, ["temp"] = TempOf(remote, attempt),
    };

    private static string TempOf(string remote, string attempt) => remote + ".part-" + attempt;

    private BaseImage ResolveBase(string from)
    {
        if (_repository is null)
            throw new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"The disk is a clone of '{from}', but no image repository was given.")
            { RecommendedAction = "Give an image repository directory that holds the base image." };
        return _repository.Resolve(from);
    }

    #endregion

    #region volumes

    private async Task<StorageResult> PrepareVolumeAsync(StorageItem item, string pool, Stopwatch watch, CancellationToken ct)
    {
        var (vg, name) = ValidateVolume(item);
        var path = item.Path;
        var origin = FromOf(item) is null ? null : OriginOf(item, vg);
        await using var gate = await LockAsync("lv\0" + path, ct).ConfigureAwait(false);
        var state = await _journal.ReadStateAsync(ct).ConfigureAwait(false);
        var volumes = await ListVolumesAsync(vg, ct).ConfigureAwait(false);
        var record = state.Find(ResourceKinds.Volume, path);
        var existing = volumes.FirstOrDefault(v => v.Name == name);
        if (record is { Exists: true } && existing is not null)
        {
            if (existing.SizeBytes < item.SizeBytes)
                throw new XenHostException(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, _host.Name,
                    $"{_host.Name}:{path} was made by the module with {existing.SizeBytes} bytes, less than the {item.SizeBytes} asked for; it is not changed.");
            var data = record.Last.Data ?? record.First.Data;
            return new StorageResult(item, Existing, watch.Elapsed, null, true)
            {
                Format = "raw", BasePath = existing.Origin is null ? null : $"/dev/{vg}/{existing.Origin}",
                Notes = new[] { $"made earlier by {(string?)data?["method"] ?? "the module"}" },
            };
        }
        if (record is { HalfMade: true })
            await UndoAsync(record, ct).ConfigureAwait(false);
        else if (existing is not null && record is not { Exists: true })
            throw Conflict(path, record);
        if (origin is not null && volumes.All(v => v.Name != origin))
            throw new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"The origin volume {vg}/{origin} of the snapshot {path} was not found on {_host.Name}; the volume group holds: " +
                (volumes.Count == 0 ? "no volumes" : string.Join(", ", volumes.Select(v => v.Name))) + ".");

        var attempt = NewAttempt();
        var command = VolumeMakeCommand(item, pool, vg, name, origin, attempt, out var method);
        var result = await _host.RunAsync(command, ct).ConfigureAwait(false);
        if (!result.Succeeded) await FailAsync(ResourceKinds.Volume, path, attempt, result, item.SizeBytes, ct).ConfigureAwait(false);
        return new StorageResult(item, method, watch.Elapsed, null, false)
        {
            Format = "raw",
            BasePath = origin is null ? null : $"/dev/{vg}/{origin}",
            Notes = FilesystemOf(item) is null ? Array.Empty<string>() : new[] { "no filesystem was made on the volume: mkfs is for image files" },
        };
    }

    private RemoteCommand VolumeMakeCommand(StorageItem item, string pool, string vg, string name, string? origin, string attempt, out string method)
    {
        method = origin is null ? LvCreate : LvmSnapshot;
        var data = new JObject { ["attempt"] = attempt, ["method"] = method, ["sizeBytes"] = item.SizeBytes, ["volumeGroup"] = vg };
        if (origin is not null) data["origin"] = $"{vg}/{origin}";
        return RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Volume, item.Path, item.Domain, pool, data)),
            origin is null ? LogicalVolumes.Create(vg, name, item.SizeBytes) : LogicalVolumes.Snapshot(vg, origin, name, item.SizeBytes),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Volume, item.Path, item.Domain, pool, data)));
    }

    private async Task<IReadOnlyList<LogicalVolumeInfo>> ListVolumesAsync(string vg, CancellationToken ct)
    {
        var result = await _host.RunAsync(LogicalVolumes.List(vg), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.ObjectNotFound, _host.Name,
                $"Could not list the volumes of {vg} on {_host.Name}: {result.StdErr.Trim()}");
        try { return LogicalVolumes.ParseList(result.StdOut); }
        catch (FormatException e)
        {
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.InvalidData, _host.Name, $"{_host.Name}: {e.Message}", e);
        }
    }

    private string OriginOf(StorageItem item, string vg) =>
        LogicalVolumes.TryParseOrigin(FromOf(item)!, vg, out var origin) ? origin
            : throw Invalid(item, $"the snapshot origin '{FromOf(item)}' must be a volume of {vg} (NAME, {vg}/NAME or /dev/{vg}/NAME)");

    #endregion

    #region removal

    /// <summary>Removes one journaled resource (image, volume, directory or base image) and journals undo then undone.</summary>
    public async Task RemoveAsync(string kind, string resource, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        if (kind is not (ResourceKinds.Image or ResourceKinds.Volume or ResourceKinds.Directory or ResourceKinds.BaseImage))
            throw new XenHostException(XenErrorIds.StorageInvalid, XenErrorCategory.InvalidArgument, _host.Name,
                $"'{kind}' is not a storage resource (image, volume, directory, base-image).");
        await using var gate = await LockAsync(GateKey(kind, resource), ct).ConfigureAwait(false);
        var state = await _journal.ReadStateAsync(ct).ConfigureAwait(false);
        var record = state.Find(kind, resource)
            ?? throw new XenHostException(XenErrorIds.StorageNotJournaled, XenErrorCategory.InvalidOperation, _host.Name,
                $"{_host.Name}:{resource} is not in the journal as a {kind} the module made; it is not removed.");
        if (record.Removed) return;
        if (kind == ResourceKinds.BaseImage)
        {
            var users = state.Live.Where(r => r.Kind == ResourceKinds.Image && (string?)(r.Last.Data ?? r.First.Data)?["backing"] == resource)
                .Select(r => r.Resource).ToArray();
            if (users.Length > 0)
                throw new XenHostException(XenErrorIds.StorageInUse, XenErrorCategory.ResourceExists, _host.Name,
                    $"The base image {resource} on {_host.Name} is the backing file of {string.Join(", ", users)}; remove those first.");
        }
        await UndoAsync(record, ct).ConfigureAwait(false);
    }

    private static string GateKey(string kind, string resource) => kind switch
    {
        ResourceKinds.Image => "file\0" + resource,
        ResourceKinds.Volume => "lv\0" + resource,
        ResourceKinds.Directory => "dir\0" + resource,
        _ => "base\0" + resource,
    };

    /// <summary>Removes image files (and their temp names); absent ones are no error.</summary>
    internal static RemoteCommand RemoveFiles(params string[] paths) => RemoteCommand.Of("rm", new[] { "-f", "--" }.Concat(paths));

    /// <summary>Removes a directory the module made, only when empty (exit NotEmpty otherwise).</summary>
    internal static RemoteCommand RemoveEmptyDirectory(string dir) => RemoteCommand.Script(Scripts.DirRemove, "remove", dir);

    /// <summary>Only the emptiness check of <see cref="RemoveEmptyDirectory"/>: to refuse before the journal says undo.</summary>
    internal static RemoteCommand RefuseNonEmptyDirectory(string dir) => RemoteCommand.Script(Scripts.DirRemove, "check", dir);

    /// <summary>The steps that remove a resource; journaled by the caller.</summary>
    private async Task<RemoteCommand?> RemovalStepAsync(JournalResource record, CancellationToken ct)
    {
        var data = record.Last.Data ?? record.First.Data;
        switch (record.Kind)
        {
            case ResourceKinds.Image:
                return RemoveFiles(record.Resource);
            case ResourceKinds.BaseImage:
                var temps = new[] { record.First.Data, record.Last.Data }.Select(d => (string?)d?["temp"]).OfType<string>().Distinct();
                return RemoveFiles(new[] { record.Resource }.Concat(temps).ToArray());
            case ResourceKinds.Directory:
                return RemoveEmptyDirectory(record.Resource);
            case ResourceKinds.Volume:
                if (!LogicalVolumes.TryParsePath(record.Resource, out var vg, out var name)) return null;
                var volumes = await ListVolumesAsync(vg, ct).ConfigureAwait(false);
                return volumes.Any(v => v.Name == name) ? LogicalVolumes.Remove(vg, name) : null;
            default:
                return null;
        }
    }

    /// <summary>Removes a journaled resource: undo, the removal, undone, in one round trip.</summary>
    private async Task UndoAsync(JournalResource record, CancellationToken ct)
    {
        var data = record.Last.Data ?? record.First.Data;
        var steps = new List<RemoteCommand>();
        // A directory that holds anything is refused before the journal says undo, so the journal stays as the host is.
        if (record.Kind == ResourceKinds.Directory) steps.Add(RefuseNonEmptyDirectory(record.Resource));
        steps.Add(_journal.AppendCommand(JournalEntry.Of(JournalOp.Undo, record.Kind, record.Resource, record.Domain, record.Pool, data)));
        if (await RemovalStepAsync(record, ct).ConfigureAwait(false) is { } removal) steps.Add(removal);
        steps.Add(_journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, record.Kind, record.Resource, record.Domain, record.Pool, data)));
        var result = await _host.RunAsync(RemoteCommand.All(steps.ToArray()), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.WriteError, _host.Name,
                $"Could not remove {record.Kind} {_host.Name}:{record.Resource}: {result.StdErr.Trim()} (the journal says undo; the next run retries).")
            { ScriptExit = (HostScriptExit)result.ExitCode };
    }

    /// <summary>
    /// After a making command failed: if the journal has this attempt's begin, journal failed, remove what was made, journal
    /// undone; then throw an error that names host, path and (for a full disk) the free space. Always throws.
    /// </summary>
    private async Task FailAsync(string kind, string resource, string attempt, CommandResult failed, long needed, CancellationToken ct,
        string? errorId = null)
    {
        string cleanup;
        try
        {
            var state = await _journal.ReadStateAsync(ct).ConfigureAwait(false);
            var record = state.Find(kind, resource);
            var ours = record is not null && (string?)record.Last.Data?["attempt"] == attempt && record.Last.Op is JournalOp.Begin or JournalOp.Done;
            if (ours)
            {
                var data = record!.Last.Data;
                var steps = new List<RemoteCommand> { _journal.AppendCommand(JournalEntry.Of(JournalOp.Failed, kind, resource, record.Domain, record.Pool, data)) };
                if (await RemovalStepAsync(record, ct).ConfigureAwait(false) is { } removal) steps.Add(removal);
                steps.Add(_journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, kind, resource, record.Domain, record.Pool, data)));
                var undo = await _host.RunAsync(RemoteCommand.All(steps.ToArray()), ct).ConfigureAwait(false);
                cleanup = undo.Succeeded
                    ? "What was made was removed, and the journal says failed, then undone."
                    : $"Removing what was made failed too ({undo.StdErr.Trim()}); the journal says failed and the next run cleans it.";
            }
            else cleanup = "Nothing was made.";
        }
        catch (XenHostException e) when (e.ErrorId == XenErrorIds.HostUnreachable)
        {
            cleanup = "The host could not be reached to clean up; the journal's begin is left and the next run cleans it.";
        }

        var stderr = failed.StdErr.Trim();
        var dir = kind == ResourceKinds.Volume ? null : ParentOf(resource);
        var space = dir is null ? null : await FreeSpaceAsync(kind == ResourceKinds.BaseImage ? CacheDir : dir, ct).ConfigureAwait(false);
        var noSpace = stderr.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                      || stderr.Contains("insufficient free space", StringComparison.OrdinalIgnoreCase)
                      || (space is not null && needed > 0 && space.Value.Free < needed);
        if (noSpace && errorId is null)
        {
            var where = space is null ? "" :
                $" {FormatBytes(space.Value.Free)} free of {FormatBytes(space.Value.Total)} on {space.Value.Mount}{(needed > 0 ? $", {FormatBytes(needed)} needed" : "")}.";
            throw new XenHostException(XenErrorIds.StorageNoSpace, XenErrorCategory.ResourceUnavailable, _host.Name,
                $"No space left on {_host.Name} for {resource}:{where} ({stderr}) {cleanup}")
            { RecommendedAction = "Free space on the host, or give the domain a smaller disk, then run again." };
        }
        throw new XenHostException(errorId ?? XenErrorIds.StorageFailed, XenErrorCategory.WriteError, _host.Name,
            $"Could not make {kind} {_host.Name}:{resource}: '{failed.CommandLine}' exited with {failed.ExitCode}: {stderr} {cleanup}");
    }

    private async Task<(long Total, long Free, string Mount)?> FreeSpaceAsync(string dir, CancellationToken ct)
    {
        try
        {
            var r = await _host.RunAsync(RemoteCommand.Script(Scripts.DiskFree, dir), ct).ConfigureAwait(false);
            var m = DfLine.Match(r.StdOut.Trim());
            if (!r.Succeeded || !m.Success) return null;
            return (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Value);
        }
        catch (XenHostException)
        {
            return null;
        }
    }

    public static string FormatBytes(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GiB"
        : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.##} MiB"
        : bytes >= 1L << 10 ? $"{bytes / 1024.0:0.##} KiB" : $"{bytes} bytes";

    #endregion

    #region helpers

    private Task<PathStat[]> StatAsync(CancellationToken ct, params string[] paths) =>
        RemotePaths.StatAsync(_host, XenErrorIds.StorageFailed, ct, paths);

    private Task<(JournalState State, PathStat[] Stat)> ReadStateAndStatAsync(CancellationToken ct, params string[] paths) =>
        RemotePaths.StatWithJournalAsync(_host, _journal, XenErrorIds.StorageFailed, ct, paths);

    private XenHostException Conflict(string path, JournalResource? record) =>
        new(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, _host.Name,
            $"{_host.Name}:{path} already exists and the journal does not list it as the module's" +
            (record is { Removed: true } ? " (the module removed its own earlier)" : "") + "; it is never overwritten.")
        { RecommendedAction = "Move or remove it yourself if it is not needed, or give the disk another target." };

    private XenHostException Invalid(StorageItem item, string why) =>
        new(XenErrorIds.StorageInvalid, XenErrorCategory.InvalidArgument, _host.Name, $"The disk {item.Host}:{item.Path} of {item.Domain}: {why}.");

    private void ValidateFile(StorageItem item)
    {
        CheckPath(item);
        if (item.Format is not ("raw" or "qcow2")) throw Invalid(item, $"the format '{item.Format}' is not raw or qcow2");
        if (FromOf(item) is null && item.SizeBytes <= 0) throw Invalid(item, "a size is needed for an image that is not a clone");
        if (item.SizeBytes < 0) throw Invalid(item, "the size is negative");
        if (FilesystemOf(item) is not null && !string.Equals(FilesystemOf(item), "ext4", StringComparison.OrdinalIgnoreCase))
            throw Invalid(item, $"the filesystem '{FilesystemOf(item)}' is not supported (ext4 is)");
    }

    private (string Vg, string Name) ValidateVolume(StorageItem item)
    {
        if (!LogicalVolumes.TryParsePath(item.Path, out var vg, out var name))
            throw Invalid(item, "a volume's target must be /dev/VG/NAME with LVM names (letters, digits, + _ . -)");
        if (item.VolumeGroup is not null && item.VolumeGroup != vg)
            throw Invalid(item, $"the target is in {vg}, not in the volume group {item.VolumeGroup}");
        if (item.SizeBytes <= 0) throw Invalid(item, "a volume needs a size");
        return (vg, name);
    }

    private void CheckPath(StorageItem item)
    {
        var p = item.Path;
        if (string.IsNullOrEmpty(p) || p[0] != '/' || p.EndsWith('/') || p.Any(c => c is '\0' or '\n' or '\r')
            || p.Split('/').Skip(1).Any(s => s is "" or "." or ".."))
            throw Invalid(item, "an image target must be an absolute path without . or .. parts, control characters or a trailing /");
        if (ParentOf(p) == "/") throw Invalid(item, "an image must not be made in /");
    }

    private static string ParentOf(string path)
    {
        var i = path.TrimEnd('/').LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    // Callers (PowerShell among them) may give "" for "none".
    private static string? FromOf(StorageItem item) => string.IsNullOrWhiteSpace(item.From) ? null : item.From;
    private static string? FilesystemOf(StorageItem item) => string.IsNullOrWhiteSpace(item.Filesystem) ? null : item.Filesystem;

    private static string NewAttempt() => Guid.NewGuid().ToString("N")[..12];


    private async Task<Releaser> LockAsync(string key, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(_host.Name + "\0" + key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }

    #endregion
}
