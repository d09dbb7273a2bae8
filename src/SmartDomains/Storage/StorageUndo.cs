using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>
/// Removal and undo of storage the journal lists as the module's: undo, the removal, undone in one round trip; and after a
/// making command failed, failed, the removal, undone, with an error that says what is left (and, for a full disk, the
/// free space).
/// </summary>
internal sealed class StorageUndo
{
    private readonly HostConnection _host;
    private readonly HostJournal _journal;

    public StorageUndo(HostConnection host, HostJournal journal)
    {
        _host = host;
        _journal = journal;
    }

    /// <summary>A new attempt id: the journal's begin and done of one making carry it, so a failure removes only its own.</summary>
    public static string NewAttempt() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>Removes one journaled resource (image, volume, directory or base image) and journals undo then undone.</summary>
    public async Task RemoveAsync(string kind, string resource, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        if (kind is not (ResourceKinds.Image or ResourceKinds.Volume or ResourceKinds.Directory or ResourceKinds.BaseImage))
            throw new XenHostException(XenErrorIds.StorageInvalid, XenErrorCategory.InvalidArgument, _host.Name,
                $"'{kind}' is not a storage resource (image, volume, directory, base-image).");
        await using var gate = await StorageGates.LockAsync(_host, StorageGates.Key(kind, resource), ct).ConfigureAwait(false);
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
                var volumes = await VolumeStorage.ListAsync(_host, vg, ct).ConfigureAwait(false);
                return volumes.Any(v => v.Name == name) ? LogicalVolumes.Remove(vg, name) : null;
            default:
                return null;
        }
    }

    /// <summary>Removes a journaled resource: undo, the removal, undone, in one round trip.</summary>
    public async Task UndoAsync(JournalResource record, CancellationToken ct)
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
    public async Task FailAsync(string kind, string resource, string attempt, CommandResult failed, long needed, CancellationToken ct,
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
        var dir = kind == ResourceKinds.Volume ? null : StorageTargets.ParentOf(resource);
        var space = dir is null ? null : await DiskSpace.FreeAsync(_host, kind == ResourceKinds.BaseImage ? _host.Host.Layout.BaseImageCache : dir, ct).ConfigureAwait(false);
        var noSpace = stderr.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                      || stderr.Contains("insufficient free space", StringComparison.OrdinalIgnoreCase)
                      || (space is not null && needed > 0 && space.Value.Free < needed);
        if (noSpace && errorId is null)
        {
            var where = space is null ? "" :
                $" {DiskSpace.Format(space.Value.Free)} free of {DiskSpace.Format(space.Value.Total)} on {space.Value.Mount}{(needed > 0 ? $", {DiskSpace.Format(needed)} needed" : "")}.";
            throw new XenHostException(XenErrorIds.StorageNoSpace, XenErrorCategory.ResourceUnavailable, _host.Name,
                $"No space left on {_host.Name} for {resource}:{where} ({stderr}) {cleanup}")
            { RecommendedAction = "Free space on the host, or give the domain a smaller disk, then run again." };
        }
        throw new XenHostException(errorId ?? XenErrorIds.StorageFailed, XenErrorCategory.WriteError, _host.Name,
            $"Could not make {kind} {_host.Name}:{resource}: '{failed.CommandLine}' exited with {failed.ExitCode}: {stderr} {cleanup}");
    }
}
