using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>
/// The base images of clones, cached once per host under &lt;StateDir&gt;/images: sent by SFTP to a temp name, checked on
/// the host, then renamed into the cache, each step journaled.
/// </summary>
internal sealed class BaseImageCache
{
    private readonly HostConnection _host;
    private readonly HostJournal _journal;
    private readonly ImageRepository? _repository;
    private readonly StorageUndo _undo;

    public BaseImageCache(HostConnection host, HostJournal journal, ImageRepository? repository, StorageUndo undo)
    {
        _host = host;
        _journal = journal;
        _repository = repository;
        _undo = undo;
    }

    public string Dir => _host.Host.Layout.BaseImageCache;
    public string PathOf(BaseImage image) => Dir + "/" + image.CacheFileName;

    /// <summary>
    /// Sends a base image to the host once (SFTP to a temp name, its data ranges' SHA256 on the host, then renamed into the cache) and returns
    /// the cached copy's path. A copy the journal lists as made, with the right size, is used as it is. The domains that ask
    /// for it at the same time share one check (and one transfer).
    /// </summary>
    public Task<string> EnsureAsync(BaseImage image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        return StorageGates.SharedAsync(_host, StorageGates.Key(ResourceKinds.BaseImage, PathOf(image)), () => FetchAsync(image, ct));
    }

    private async Task<string> FetchAsync(BaseImage image, CancellationToken ct)
    {
        var remote = PathOf(image);
        await using var gate = await StorageGates.LockAsync(_host, StorageGates.Key(ResourceKinds.BaseImage, remote), ct).ConfigureAwait(false);
        var (state, stat) = await RemotePaths.StatWithJournalAsync(_host, _journal, XenErrorIds.StorageFailed, ct, remote).ConfigureAwait(false);
        var record = state.Find(ResourceKinds.BaseImage, remote);
        if (record is { Exists: true } && stat[0].Exists && stat[0].Size == image.SizeBytes) return remote;
        if (record is { HalfMade: true } || record is { Exists: true })
            await _undo.UndoAsync(record, ct).ConfigureAwait(false);                   // half-made, or ours and damaged/missing
        else if (stat[0].Exists)
            throw StorageTargets.Conflict(_host, remote, record);

        var attempt = StorageUndo.NewAttempt();
        var temp = TempOf(remote, attempt);
        var data = Data(image, remote, attempt);
        var begin = await _host.RunAsync(BeginCommand(remote, data), ct).ConfigureAwait(false);
        if (!begin.Succeeded) await _undo.FailAsync(ResourceKinds.BaseImage, remote, attempt, begin, image.SizeBytes, ct).ConfigureAwait(false);
        try
        {
            await _host.UploadAsync(image.LocalPath, temp, null, ct, image.RangesSha256.Length > 0 ? image.Ranges : null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !(e is XenHostException x && x.ErrorId == XenErrorIds.HostUnreachable))
        {
            var failed = new CommandResult
            {
                Host = _host.Name, CommandLine = $"sftp put {RemoteCommand.Quote(image.LocalPath)} {RemoteCommand.Quote(temp)}",
                ExitCode = -1, StdErr = e.Message,
            };
            await _undo.FailAsync(ResourceKinds.BaseImage, remote, attempt, failed, image.SizeBytes, ct).ConfigureAwait(false);
        }
        var verify = await _host.RunAsync(VerifyCommand(image, remote, attempt, data), ct).ConfigureAwait(false);
        if (!verify.Succeeded)
        {
            if (verify.ExitedWith(HostScriptExit.Corrupt))
                await _undo.FailAsync(ResourceKinds.BaseImage, remote, attempt, verify, 0, ct, XenErrorIds.BaseImageCorrupt).ConfigureAwait(false);
            await _undo.FailAsync(ResourceKinds.BaseImage, remote, attempt, verify, image.SizeBytes, ct).ConfigureAwait(false);
        }
        return remote;
    }

    /// <summary>The commands EnsureAsync runs for an image not yet cached (for -WhatIf).</summary>
    public IReadOnlyList<string> Describe(BaseImage image)
    {
        var remote = PathOf(image);
        var attempt = StorageUndo.NewAttempt();
        var data = Data(image, remote, attempt);
        return new[]
        {
            "# the base image, only if not yet cached on the host:",
            BeginCommand(remote, data).Display,
            $"sftp put {RemoteCommand.Quote(image.LocalPath)} {RemoteCommand.Quote(TempOf(remote, attempt))}",
            VerifyCommand(image, remote, attempt, data).Display,
        };
    }

    private RemoteCommand BeginCommand(string remote, JObject data) =>
        RemoteCommand.All(
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.BaseImage, remote, null, null, data)),
            RemoteCommand.Of("mkdir", "-p", "--", Dir));

    /// <summary>
    /// The check of the upload, then the rename and the done line. By its ranges when known: the upload wrote exactly those
    /// into a new file, so the rest is holes by construction and only the data is read (8 MiB, not 64, in the Deploy bench).
    /// </summary>
    public RemoteCommand VerifyCommand(BaseImage image, string remote, string attempt, JObject data) =>
        RemoteCommand.All(
            image.RangesSha256.Length > 0
                ? RemoteCommand.Script(Scripts.VerifyRanges, TempOf(remote, attempt), image.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), image.RangesSha256, remote)
                    .WithInput(string.Concat(image.Ranges.Select(r => FormattableString.Invariant($"{r.Offset} {r.Length}\n"))))
                : RemoteCommand.Script(Scripts.VerifySha256, TempOf(remote, attempt), image.Sha256, remote),
            _journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.BaseImage, remote, null, null, data)));

    public static JObject Data(BaseImage image, string remote, string attempt) => new()
    {
        ["attempt"] = attempt, ["sha256"] = image.Sha256, ["sizeBytes"] = image.SizeBytes, ["name"] = image.Name,
        ["format"] = image.Format, ["temp"] = TempOf(remote, attempt),
    };

    public static string TempOf(string remote, string attempt) => remote + ".part-" + attempt;

    public BaseImage Resolve(string from)
    {
        // An emulated host falls back on its stand-ins for the shipped templates; a real host needs a repository.
        var repository = _repository ?? StandInImages.DefaultFor(_host.Host.Connection)
            ?? throw new XenHostException(XenErrorIds.BaseImageNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"The disk is a clone of '{from}', but no image repository was given.")
            { RecommendedAction = "Give an image repository directory that holds the base image (-ImageRepository, $SmartDomainsImageRepository or SMARTDOMAINS_IMAGE_REPOSITORY)." };
        return repository.Resolve(from);
    }
}
