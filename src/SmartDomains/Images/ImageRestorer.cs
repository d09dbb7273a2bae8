using System.Diagnostics;
using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Xl;

namespace SmartDomains.Images;

/// <summary>
/// Brings a saved image back on a host. The archive's SHA256 is checked first (locally, then again on the host after the
/// transfer), it is unpacked into a journaled temp dir while the tar stream's SHA256 is checked (format 1: every member's
/// SHA256 afterwards), and only then are the disks moved
/// to their original paths (journaled as the domain's images), the config written and `xl restore` run. A corrupt or
/// truncated archive fails with XenImageCorrupt before anything outside the temp dir is touched, and the temp dir is removed.
/// An existing file the journal does not list as the module's is never overwritten (XenStorageConflict).
/// </summary>
public static class ImageRestorer
{
    public static string TempDirOf(HostConnection host, string domain, string attempt) =>
        host.Host.Layout.RestoreStaging(domain, attempt);


    /// <summary>What a restore would run (for -WhatIf and the prompt), decided as the run decides from the host's journal.</summary>
    public static IReadOnlyList<string> Describe(HostConnection host, XenImage image, bool paused, JournalState journal)
    {
        var tmp = TempDirOf(host, image.Domain, "ATTEMPT");
        var lines = new List<string> { $"# verify sha256 {image.ArchiveSha256} of {image.Location}/{image.ArchiveFile}" };
        if (image.Store is { IsLocal: true }) lines.Add($"sftp put {RemoteCommand.Quote(image.Location + "/" + image.ArchiveFile)} {tmp}/{image.ArchiveFile}");
        lines.Add(image.FormatVersion >= 2
            ? $"# unpack {image.Members.Count} members into {tmp}, verifying the sha256 of the tar stream as it is extracted"
            : $"# unpack into {tmp} and verify the sha256 of {image.Members.Count} members");
        foreach (var d in image.Disks)
            lines.Add(RemoteCommand.Script(Scripts.MoveIntoPlace, $"{tmp}/m/{d.Name}", d.OriginalPath, journal.Find(ResourceKinds.Image, d.OriginalPath) is { Removed: false } ? "ours" : "new").Display);
        var cfg = ConfigTarget(host, image, journal);
        if (image.Config.Length > 0) lines.Add(ConfigFileCommands.Write(cfg, image.Config, journal.Find(ResourceKinds.Config, cfg) is { Removed: false }).Display);
        lines.Add(RestoreCommand(image, cfg, $"{tmp}/m/{ImageSaver.MemoryMember}", paused).CommandLine);
        lines.Add(StagingDirectory.RemoveTree(tmp).Display);
        return lines;
    }

    private static string ConfigTarget(HostConnection host, XenImage image, JournalState? journal) =>
        (journal is null ? null : DomainOperations.ConfigPathOf(journal, image.Domain))
        ?? image.ConfigPath ?? host.Host.Layout.ConfigFile(image.Domain);

    private static RemoteCommand RestoreCommand(XenImage image, string cfg, string memory, bool paused)
    {
        var args = new List<string> { "restore" };
        if (paused) args.Add("-p");
        if (image.Config.Length > 0) args.Add(cfg);
        args.Add(memory);
        return RemoteCommand.Xl(args);
    }

    /// <param name="leaseToken">The token of a lease the caller holds over the domain (Sync-XenPool), so the restore's lines pass it.</param>
    public static async Task<XenDomain> RestoreAsync(HostConnection host, XenImage image, bool paused, IProgress<long>? bytes, CancellationToken ct,
        Action<string>? status = null, string? leaseToken = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(image);
        var store = image.Store ?? throw new ArgumentException("The image has no repository; get it with ImageStore.ListAsync.", nameof(image));
        status ??= _ => { };
        // The manifest is input: checked before any host command, so a refused image leaves the host as it was.
        if (ImageManifestRules.ForHost(image, host.Host) is { } refused) throw Invalid(host, image, refused);
        if (!image.Complete)
            throw new XenHostException(XenErrorIds.ImageNotFound, XenErrorCategory.InvalidOperation, host.Name, $"The image '{image.Name}' is not complete ({image.Problem}); it cannot be restored.");
        if (image.MemoryMember is null)
            throw new XenHostException(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, host.Name, $"The manifest of '{image.Name}' lists no memory image.");
        var journal = new HostJournal(host) { LeaseToken = leaseToken };
        string? relay = null;
        try
        {
            // 1. The archive's checksum, before anything is sent or unpacked.
            string? localArchive = null, hostArchive = null;
            if (store.IsLocal) localArchive = store.ArchivePath(image);
            else if (string.Equals(store.Host!.Name, host.Name, StringComparison.OrdinalIgnoreCase)) hostArchive = store.ArchivePath(image);
            else
            {
                relay = Path.Combine(Path.GetTempPath(), $"sd-relay-{Guid.NewGuid():N}-{image.ArchiveFile}");
                status($"{store.Host.Name}: fetching {image.ArchiveBytes} bytes to relay them to {host.Name}");
                await store.Host.DownloadAsync(store.ArchivePath(image), relay, bytes, ct).ConfigureAwait(false);
                localArchive = relay;
            }
            if (localArchive is not null)
            {
                status($"verifying the sha256 of {localArchive}");
                var sha = File.Exists(localArchive) ? await ImageStore.HashLocalAsync(localArchive, ct).ConfigureAwait(false) : "(missing)";
                if (sha != image.ArchiveSha256)
                    throw Corrupt(host, image, $"its archive {localArchive} has sha256 {sha}, the manifest says {image.ArchiveSha256}");
            }
            else
            {
                var verify = await host.RunAsync(RemoteCommand.Script(Scripts.VerifySha256, hostArchive!, image.ArchiveSha256, ""), ct).ConfigureAwait(false);
                if (!verify.Succeeded) throw Corrupt(host, image, verify.StdErr.Trim());
            }

            // 2. What is on the host: nothing of the module's may be overwritten unless the journal says it is ours.
            var listTask = host.RunXlAsync(ct, "list");
            var state = await journal.ReadStateAsync(ct).ConfigureAwait(false);
            if (XlListParser.Parse((await listTask.ConfigureAwait(false)).StdOut, host.Name).Any(d => d.Name == image.Domain))
                throw new XenHostException(XenErrorIds.DomainConflict, XenErrorCategory.ResourceExists, host.Name,
                    $"A domain named {image.Domain} already runs on {host.Name}; the image is not restored over it.")
                { RecommendedAction = "Stop or remove the running domain first." };
            var cfg = ConfigTarget(host, image, state);
            var configOurs = state.Find(ResourceKinds.Config, cfg) is { Removed: false };
            var disks = image.Disks.ToArray();
            var stat = await StatAsync(host, disks.Select(d => d.OriginalPath).Append(cfg).ToArray(), ct).ConfigureAwait(false);
            var diskOurs = new bool[disks.Length];
            for (var i = 0; i < disks.Length; i++)
            {
                diskOurs[i] = state.Find(ResourceKinds.Image, disks[i].OriginalPath) is { Removed: false };
                if (stat[i] && !diskOurs[i])
                    throw new XenHostException(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, host.Name,
                        $"{host.Name}:{disks[i].OriginalPath} exists and SmartDomains did not make it; the image '{image.Name}' is not restored over it.")
                    { RecommendedAction = "Move the file away, or restore on another host." };
            }
            if (image.Config.Length > 0 && stat[^1] && !configOurs)
                throw new XenHostException(XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists, host.Name,
                    $"{host.Name}:{cfg} exists and SmartDomains did not write it; the image '{image.Name}' is not restored over it.");

            // 3. Unpack into a journaled temp dir and verify every member there.
            var attempt = Guid.NewGuid().ToString("N")[..8];
            var tmp = TempDirOf(host, image.Domain, attempt);
            await ImageSaver.RunOrThrow(host, StagingDirectory.Make(journal, tmp, image.Domain, image.Pool,
                new JObject { ["purpose"] = "restore", ["image"] = image.Name }), XenErrorIds.ImageRestoreFailed, ct).ConfigureAwait(false);
            try
            {
                if (localArchive is not null)
                {
                    hostArchive = tmp + "/" + image.ArchiveFile;
                    status($"{host.Name}: sending {image.ArchiveBytes} bytes to {hostArchive}");
                    await host.UploadAsync(localArchive, hostArchive, bytes, ct).ConfigureAwait(false);
                }
                var unpackArgs = new List<string> { tmp, hostArchive!, image.ArchiveSha256, image.Compression, image.FormatVersion >= 2 ? image.StreamSha256! : "" };
                foreach (var m in image.Members) { unpackArgs.Add(m.Name); unpackArgs.Add(m.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)); unpackArgs.Add(m.Sha256 ?? ""); }
                status($"{host.Name}: unpacking and verifying {image.Members.Count} members");
                var unpack = await host.RunAsync(RemoteCommand.Script(Scripts.ImageUnpack, unpackArgs.ToArray()), ct).ConfigureAwait(false);
                if (!unpack.Succeeded)
                    throw unpack.ExitedWith(HostScriptExit.Corrupt)
                        ? Corrupt(host, image, unpack.StdErr.Trim())
                        : ImageSaver.ScriptFailure(unpack, XenErrorIds.ImageRestoreFailed, $"Unpacking '{image.Name}' on {host.Name} failed");

                // 4. Disks to their places, the config, xl restore: each journaled before it is made.
                for (var i = 0; i < disks.Length; i++)
                {
                    var d = disks[i];
                    var data = new JObject { ["method"] = "restore", ["image"] = image.Name, ["sha256"] = d.Sha256, ["format"] = "raw", ["sizeBytes"] = d.SizeBytes };
                    await EnsureParentAsync(host, journal, state, d.OriginalPath, image, ct).ConfigureAwait(false);
                    status($"{host.Name}: {d.Name} to {d.OriginalPath}");
                    await ImageSaver.RunOrThrow(host, RemoteCommand.All(
                        journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, d.OriginalPath, image.Domain, image.Pool, data)),
                        RemoteCommand.Script(Scripts.MoveIntoPlace, $"{tmp}/m/{d.Name}", d.OriginalPath, diskOurs[i] ? "ours" : "new"),
                        journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Image, d.OriginalPath, image.Domain, image.Pool, data))), XenErrorIds.ImageRestoreFailed, ct).ConfigureAwait(false);
                }
                if (image.Config.Length > 0)
                {
                    await EnsureParentAsync(host, journal, state, cfg, image, ct).ConfigureAwait(false);
                    await new JournaledStep { Kind = ResourceKinds.Config, Resource = cfg, Domain = image.Domain, Pool = image.Pool }
                        .RunAsync(journal, JournalOp.Begin, JournalOp.Done, ConfigFileCommands.Write(cfg, image.Config, configOurs), l => host.RunAsync(l, ct))
                        .ConfigureAwait(false);
                }
                var restore = RestoreCommand(image, cfg, $"{tmp}/m/{ImageSaver.MemoryMember}", paused);
                status($"{host.Name}: {restore.CommandLine}");
                // No uuid recorded: a restored domain is the module's by name, as its uuid comes from the image, not from us.
                await new JournaledStep { Kind = ResourceKinds.Domain, Resource = image.Domain, Domain = image.Domain, Pool = image.Pool, Data = DomainIdentity.Data(null) }
                    .RunAsync(journal, JournalOp.Begin, JournalOp.Done, restore, l => host.RunAsync(l, ct), failedIsUndone: true).ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    await ImageSaver.RunOrThrow(host, StagingDirectory.Remove(journal, tmp, image.Domain, image.Pool), XenErrorIds.ImageRestoreFailed, CancellationToken.None).ConfigureAwait(false);
                }
                catch (XenHostException) { /* the journal lists it for the next run and Clear-XenHost */ }
            }
            var list = await host.RunXlAsync(ct, "list", "-v").ConfigureAwait(false);
            return XlListParser.Parse(list.StdOut, host.Name).FirstOrDefault(d => d.Name == image.Domain)
                ?? new XenDomain { Name = image.Domain, Host = host.Name };
        }
        finally
        {
            if (relay is not null) try { File.Delete(relay); } catch (IOException) { }
        }
    }

    public static XenHostException Invalid(HostConnection host, XenImage image, ImageManifestRules.Problem problem) =>
        new(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidData, host.Name,
            $"The image '{image.Name}' ({image.Location}) is refused: its manifest's {problem.Field} {problem.Reason}. Nothing was written on {host.Name}.")
        { RecommendedAction = "Restore an image SmartDomains saved and nobody edited, or save the domain again." };

    private static XenHostException Corrupt(HostConnection host, XenImage image, string detail) =>
        new(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, host.Name,
            $"The image '{image.Name}' ({image.Location}) is corrupt: {detail}. Nothing was restored.")
        { RecommendedAction = "Restore another image, or save the domain again." };

    private static async Task<bool[]> StatAsync(HostConnection host, string[] paths, CancellationToken ct)
    {
        var stat = await RemotePaths.StatAsync(host, XenErrorIds.ImageRestoreFailed, ct, paths).ConfigureAwait(false);
        return stat.Select(p => p.Exists).ToArray();
    }

    /// <summary>Makes a missing parent directory, journaled (each missing level), so Clear-XenHost removes it again.</summary>
    private static async Task EnsureParentAsync(HostConnection host, HostJournal journal, JournalState state, string path, XenImage image, CancellationToken ct)
    {
        var parents = new List<string>();
        for (var dir = ParentOf(path); dir.Length > 1; dir = ParentOf(dir)) parents.Add(dir);
        if (parents.Count == 0) return;
        var exists = await StatAsync(host, parents.ToArray(), ct).ConfigureAwait(false);
        var missing = parents.Where((p, i) => !exists[i]).Reverse().ToArray();   // outermost first
        foreach (var dir in missing)
            await ImageSaver.RunOrThrow(host, RemoteCommand.All(
                journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Directory, dir, image.Domain, image.Pool)),
                RemoteCommand.Of("mkdir", dir),
                journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Directory, dir, image.Domain, image.Pool))), XenErrorIds.ImageRestoreFailed, ct).ConfigureAwait(false);
    }

    private static string ParentOf(string path)
    {
        var i = path.TrimEnd('/').LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }
}
