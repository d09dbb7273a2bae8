using System.Diagnostics;
using System.Globalization;
using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>
/// Disk image files: sparse raw files, qcow2 files, or clones of a cached base image (a qcow2 with a backing file, a reflink
/// or a sparse copy), and the directories they need; each journaled in the same round trip as it is made.
/// </summary>
internal sealed class ImageFiles
{
    private readonly HostConnection _host;
    private readonly HostJournal _journal;
    private readonly BaseImageCache _cache;
    private readonly StorageUndo _undo;

    public ImageFiles(HostConnection host, HostJournal journal, BaseImageCache cache, StorageUndo undo)
    {
        _host = host;
        _journal = journal;
        _cache = cache;
        _undo = undo;
    }

    /// <summary>The exact commands PrepareAsync would run for an image not yet made (for -WhatIf). No host is contacted.</summary>
    public IReadOnlyList<string> Describe(StorageItem item, string pool)
    {
        StorageTargets.ValidateFile(_host, item);
        var lines = new List<string>();
        var caps = HostCapabilities.Known(_host);
        if (caps is null)
        {
            lines.Add(HostCapabilities.ProbeCommand(_host).Display);
            lines.Add("# the tools were not probed yet: the commands below assume a host without qemu-img or reflink");
            caps = new HostCapabilities(false, false, true, false);
        }
        var dir = StorageTargets.ParentOf(item.Path);
        lines.Add(RemotePaths.StatCommand(item.Path, dir).Display);
        lines.Add(DirectoryMakeCommand(dir, pool, StorageUndo.NewAttempt()).Display + "   # only if the directory is missing");
        BaseImage? baseImage = null;
        if (StorageTargets.FromOf(item) is { } from)
        {
            baseImage = _cache.Resolve(from);
            lines.AddRange(_cache.Describe(baseImage));
        }
        lines.Add(PlanFile(item, pool, caps, baseImage, StorageUndo.NewAttempt()).Command.Display);
        return lines;
    }

    public async Task<StorageResult> PrepareAsync(StorageItem item, string pool, Stopwatch watch, CancellationToken ct, KnownPaths? known = null)
    {
        StorageTargets.ValidateFile(_host, item);
        var path = item.Path;
        var dir = StorageTargets.ParentOf(path);
        await using var gate = await StorageGates.LockAsync(_host, StorageGates.Key(ResourceKinds.Image, path), ct).ConfigureAwait(false);

        var (state, stat) = known is not null && known.Paths.TryGetValue(path, out var target) && known.Paths.TryGetValue(dir, out var parent)
            ? (known.Journal, new[] { target, parent })
            : await RemotePaths.StatWithJournalAsync(_host, _journal, XenErrorIds.StorageFailed, ct, path, dir).ConfigureAwait(false);
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
            return new StorageResult(item, HostStorage.Existing, watch.Elapsed, (string?)data?["sha256"], true)
            {
                Format = format,
                BasePath = (string?)data?["base"],
                Notes = new[] { $"made earlier by {(string?)data?["method"] ?? "the module"}" },
            };
        }
        if (record is { HalfMade: true })
            await _undo.UndoAsync(record, ct).ConfigureAwait(false);                   // our half-made image: removed, then redone
        else if (stat[0].Exists && record is not { Exists: true })
            throw StorageTargets.Conflict(_host, path, record);
        // (journaled as made but missing on the host: made again below)

        // The directory, the base image and the tool probe do not depend on each other: one round trip's wait for all three.
        var baseImage = StorageTargets.FromOf(item) is { } from ? _cache.Resolve(from) : null;
        var directory = stat[1].Exists ? Task.FromResult(false)
            : StorageGates.SharedAsync(_host, StorageGates.Key(ResourceKinds.Directory, dir), () => EnsureDirectoryAsync(dir, pool, item.Domain, ct));
        var cached = baseImage is null ? Task.FromResult("") : _cache.EnsureAsync(baseImage, ct);
        var probe = baseImage is not null || item.Format == "qcow2" ? HostCapabilities.GetAsync(_host, ct) : Task.FromResult(new HostCapabilities(false, false, true, false));
        await Task.WhenAll(directory, cached, probe).ConfigureAwait(false);
        var caps = await probe.ConfigureAwait(false);
        var attempt = StorageUndo.NewAttempt();
        var plan = PlanFile(item, pool, caps, baseImage, attempt);
        // A host's clones one at a time: together they compete for its CPU and the first create waits for all of them;
        // one by one, the first is ready at once and the rest are made while xl's lock serialises the creates anyway.
        CommandResult result;
        await using (baseImage is null ? null : await StorageGates.LockAsync(_host, StorageGates.Key(ResourceKinds.Image, "clones of " + baseImage.CacheFileName), ct).ConfigureAwait(false))
            result = await _host.RunAsync(plan.Command, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (result.ExitedWith(HostScriptExit.Exists)) throw StorageTargets.Conflict(_host, path, null);
            await _undo.FailAsync(ResourceKinds.Image, path, attempt, result, needed: plan.NeededBytes, ct).ConfigureAwait(false);
        }
        return new StorageResult(item, plan.Method, watch.Elapsed, baseImage?.Sha256, false)
        {
            Format = plan.Format,
            BasePath = baseImage is null ? null : _cache.PathOf(baseImage),
            Notes = plan.Notes,
        };
    }

    internal sealed record FilePlan(string Method, string Format, RemoteCommand Command, IReadOnlyList<string> Notes, long NeededBytes);

    internal FilePlan PlanFile(StorageItem item, string pool, HostCapabilities caps, BaseImage? baseImage, string attempt)
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
                method = HostStorage.Qcow2File; format = "qcow2"; onDisk = null;
                make.Add(RemoteCommand.Of("qemu-img", "create", "-q", "-f", "qcow2", path, size));
            }
            else
            {
                if (item.Format == "qcow2") notes.Add("qcow2 was asked for, but the host has no qemu-img: a raw sparse file was made; render it as format=raw");
                method = HostStorage.SparseFile; format = "raw"; onDisk = item.SizeBytes;
                make.Add(RemoteCommand.Of("truncate", "-s", size, path));
            }
            if (StorageTargets.FilesystemOf(item) is not null)
            {
                if (format == "raw") make.Add(RemoteCommand.Of("mkfs.ext4", "-F", "-q", path));
                else notes.Add("no filesystem was made: mkfs.ext4 needs a raw image");
            }
        }
        else
        {
            var cache = _cache.PathOf(baseImage);
            if (item.Format == "qcow2" && caps.QemuImg)
            {
                method = HostStorage.Qcow2BackingFile; format = "qcow2"; onDisk = null; backing = cache;
                var args = new List<string> { "create", "-q", "-f", "qcow2", "-F", baseImage.Format, "-b", cache, path };
                if (item.SizeBytes > 0) args.Add(size);
                make.Add(RemoteCommand.Of("qemu-img", args));
            }
            else
            {
                method = caps.Reflink ? HostStorage.ReflinkCopy : HostStorage.SparseCopy;
                format = baseImage.Format;
                make.Add(RemoteCommand.Of("cp", caps.Reflink ? "--reflink=always" : "--sparse=always", cache, path));
                needed = caps.Reflink ? 0 : baseImage.SizeBytes;
                if (item.Format == "qcow2" && format == "raw")
                    notes.Add("qcow2 was asked for, but the host has no qemu-img: a raw copy of the base was made; render it as format=raw");
                onDisk = format == "raw" ? Math.Max(baseImage.SizeBytes, item.SizeBytes) : null;
                if (format == "raw" && item.SizeBytes > baseImage.SizeBytes) make.Add(RemoteCommand.Of("truncate", "-s", size, path));
                else if (format == "qcow2" && item.SizeBytes > 0) notes.Add("a copied qcow2 keeps its base's virtual size: growing it needs qemu-img");
            }
            if (StorageTargets.FilesystemOf(item) is not null) notes.Add("no filesystem was made: a clone keeps its base image's filesystem");
        }
        var data = new JObject
        {
            ["attempt"] = attempt, ["method"] = method, ["format"] = format, ["sizeBytes"] = onDisk,
            ["requestedFormat"] = item.Format,
        };
        if (baseImage is not null) { data["base"] = _cache.PathOf(baseImage); data["sha256"] = baseImage.Sha256; }
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

    /// <returns>True when this call made the directory.</returns>
    private async Task<bool> EnsureDirectoryAsync(string dir, string pool, string? domain, CancellationToken ct)
    {
        await using var gate = await StorageGates.LockAsync(_host, StorageGates.Key(ResourceKinds.Directory, dir), ct).ConfigureAwait(false);
        var stat = await RemotePaths.StatAsync(_host, XenErrorIds.StorageFailed, ct, dir).ConfigureAwait(false);
        if (stat[0].Exists) return false;      // made meanwhile (by us: journaled; by someone else: not ours, and not claimed)
        var attempt = StorageUndo.NewAttempt();
        var result = await _host.RunAsync(DirectoryMakeCommand(dir, pool, attempt, domain), ct).ConfigureAwait(false);
        if (!result.Succeeded) await _undo.FailAsync(ResourceKinds.Directory, dir, attempt, result, 0, ct).ConfigureAwait(false);
        return true;
    }

    internal RemoteCommand DirectoryMakeCommand(string dir, string pool, string attempt, string? domain = null)
    {
        var data = new JObject { ["attempt"] = attempt };
        return RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Directory, dir, domain, pool, data)),
            RemoteCommand.Of("mkdir", "-p", dir),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Directory, dir, domain, pool, data)));
    }
}
