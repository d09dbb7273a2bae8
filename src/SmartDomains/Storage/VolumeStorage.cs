using System.Diagnostics;
using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>LVM logical volumes as disks: made with lvcreate (or as a snapshot of an origin volume), each journaled.</summary>
internal sealed class VolumeStorage
{
    private readonly HostConnection _host;
    private readonly HostJournal _journal;
    private readonly StorageUndo _undo;

    public VolumeStorage(HostConnection host, HostJournal journal, StorageUndo undo)
    {
        _host = host;
        _journal = journal;
        _undo = undo;
    }

    /// <summary>The exact commands PrepareAsync would run for a volume not yet made (for -WhatIf).</summary>
    public IReadOnlyList<string> Describe(StorageItem item, string pool)
    {
        var (vg, name) = StorageTargets.ValidateVolume(_host, item);
        var origin = StorageTargets.FromOf(item) is null ? null : OriginOf(_host, item, vg);
        return new[] { LogicalVolumes.List(vg).Display, MakeCommand(item, pool, vg, name, origin, StorageUndo.NewAttempt(), out _).Display };
    }

    public async Task<StorageResult> PrepareAsync(StorageItem item, string pool, Stopwatch watch, CancellationToken ct)
    {
        var (vg, name) = StorageTargets.ValidateVolume(_host, item);
        var path = item.Path;
        var origin = StorageTargets.FromOf(item) is null ? null : OriginOf(_host, item, vg);
        await using var gate = await StorageGates.LockAsync(_host, StorageGates.Key(ResourceKinds.Volume, path), ct).ConfigureAwait(false);
        var state = await _journal.ReadStateAsync(ct).ConfigureAwait(false);
        var volumes = await VolumeStorage.ListAsync(_host, vg, ct).ConfigureAwait(false);
        var record = state.Find(ResourceKinds.Volume, path);
        var existing = volumes.FirstOrDefault(v => v.Name == name);
        if (record is { Exists: true } && existing is not null)
        {
            if (existing.SizeBytes < item.SizeBytes)
                throw new XenHostException(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, _host.Name,
                    $"{_host.Name}:{path} was made by the module with {existing.SizeBytes} bytes, less than the {item.SizeBytes} asked for; it is not changed.");
            var data = record.Last.Data ?? record.First.Data;
            return new StorageResult(item, HostStorage.Existing, watch.Elapsed, null, true)
            {
                Format = "raw", BasePath = existing.Origin is null ? null : $"/dev/{vg}/{existing.Origin}",
                Notes = new[] { $"made earlier by {(string?)data?["method"] ?? "the module"}" },
            };
        }
        if (record is { HalfMade: true })
            await _undo.UndoAsync(record, ct).ConfigureAwait(false);
        else if (existing is not null && record is not { Exists: true })
            throw StorageTargets.Conflict(_host, path, record);
        if (origin is not null && volumes.All(v => v.Name != origin))
            throw new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"The origin volume {vg}/{origin} of the snapshot {path} was not found on {_host.Name}; the volume group holds: " +
                (volumes.Count == 0 ? "no volumes" : string.Join(", ", volumes.Select(v => v.Name))) + ".");

        var attempt = StorageUndo.NewAttempt();
        var command = MakeCommand(item, pool, vg, name, origin, attempt, out var method);
        var result = await _host.RunAsync(command, ct).ConfigureAwait(false);
        if (!result.Succeeded) await _undo.FailAsync(ResourceKinds.Volume, path, attempt, result, item.SizeBytes, ct).ConfigureAwait(false);
        return new StorageResult(item, method, watch.Elapsed, null, false)
        {
            Format = "raw",
            BasePath = origin is null ? null : $"/dev/{vg}/{origin}",
            Notes = StorageTargets.FilesystemOf(item) is null ? Array.Empty<string>() : new[] { "no filesystem was made on the volume: mkfs is for image files" },
        };
    }

    private RemoteCommand MakeCommand(StorageItem item, string pool, string vg, string name, string? origin, string attempt, out string method)
    {
        method = origin is null ? HostStorage.LvCreate : HostStorage.LvmSnapshot;
        var data = new JObject { ["attempt"] = attempt, ["method"] = method, ["sizeBytes"] = item.SizeBytes, ["volumeGroup"] = vg };
        if (origin is not null) data["origin"] = $"{vg}/{origin}";
        return RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Volume, item.Path, item.Domain, pool, data)),
            origin is null ? LogicalVolumes.Create(vg, name, item.SizeBytes) : LogicalVolumes.Snapshot(vg, origin, name, item.SizeBytes),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Volume, item.Path, item.Domain, pool, data)));
    }

    public static async Task<IReadOnlyList<LogicalVolumeInfo>> ListAsync(HostConnection host, string vg, CancellationToken ct)
    {
        var result = await host.RunAsync(LogicalVolumes.List(vg), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.ObjectNotFound, host.Name,
                $"Could not list the volumes of {vg} on {host.Name}: {result.StdErr.Trim()}");
        try { return LogicalVolumes.ParseList(result.StdOut); }
        catch (FormatException e)
        {
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.InvalidData, host.Name, $"{host.Name}: {e.Message}", e);
        }
    }

    public static string OriginOf(HostConnection host, StorageItem item, string vg) =>
        LogicalVolumes.TryParseOrigin(StorageTargets.FromOf(item)!, vg, out var origin) ? origin
            : throw StorageTargets.Invalid(host, item, $"the snapshot origin '{StorageTargets.FromOf(item)}' must be a volume of {vg} (NAME, {vg}/NAME or /dev/{vg}/NAME)");
}
