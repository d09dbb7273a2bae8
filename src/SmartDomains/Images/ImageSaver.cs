using System.Diagnostics;
using System.Globalization;
using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Model;
using SmartDomains.Pools;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Xl;
using SmartDomains.XlConfig;

namespace SmartDomains.Images;

/// <summary>What Save-XenImage may set beyond the basics.</summary>
public sealed class ImageSaveOptions
{
    /// <summary>xl save -c: the domain keeps running. Otherwise xl save stops it, as xl does.</summary>
    public bool Checkpoint { get; init; }
    /// <summary>The image's name; default DOMAIN-yyyyMMdd-HHmmss-fff (UTC).</summary>
    public string? ImageName { get; init; }
    /// <summary>Called with a line for each stage (verbose output).</summary>
    public Action<string>? Status { get; init; }
    /// <summary>The token of a lease the caller already holds on the domain's pool (Sync-XenPool); else the save takes its own.</summary>
    public string? LeaseToken { get; init; }
    /// <summary>How long a domain under another controller's lease is waited for before XenHostBusy.</summary>
    public TimeSpan BusyTimeout { get; init; } = HostLease.DefaultBusyTimeout;
}

/// <summary>
/// Saves a domain into an image repository: xl save of its memory into a journaled temp dir on the host, a sparse-aware tar
/// of it and the disks compressed with zstd (or pigz, or gzip), the SHA256 of the tar stream and of the archive taken as
/// they pass (manifest format 2: no hole of a sparse disk is read to hash it), and the archive into the
/// repository under NAME.partial: streamed to the controller as it is made for a local repository (ArchiveReceiver), written
/// on the host for a repository there. Verified end to end by SHA256, and only then renamed to NAME. The domain's disks are never
/// removed or changed. When the archive step fails after xl save stopped the domain, the memory image stays in the temp dir
/// (journaled) and running the save again finishes it from there.
/// </summary>
public static class ImageSaver
{
    public const string MemoryMember = "memory.save";

    public static Task<XenImage> SaveAsync(HostConnection host, string domain, ImageStore store, bool checkpoint, IProgress<long>? bytes, CancellationToken ct) =>
        SaveAsync(host, domain, store, new ImageSaveOptions { Checkpoint = checkpoint }, bytes, ct);

    public static string DefaultName(string domain, DateTimeOffset time) =>
        domain + "-" + time.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);

    /// <summary>The staging directory of a domain's save on its host: &lt;StateDir&gt;/tmp/save-DOMAIN.</summary>
    public static string TempDirOf(HostConnection host, string domain) => host.Host.Layout.SaveStaging(domain);

    /// <summary>The host commands a save runs, for -WhatIf (journal lines left out).</summary>
    public static IReadOnlyList<string> Describe(HostConnection host, string domain, ImageStore store, bool checkpoint, string? imageName)
    {
        var tmp = TempDirOf(host, domain);
        var name = imageName ?? DefaultName(domain, DateTimeOffset.UtcNow);
        var lines = new List<string>
        {
            StagingDirectory.MakeEmpty(tmp).Display,
            SaveCommand(domain, tmp + "/" + MemoryMember, checkpoint).CommandLine,
            store.IsLocal
                ? $"{ArchiveReceiver.Command(tmp, name, Array.Empty<string>()).Display} ...   # tar -S | zstd (or pigz, gzip) streams memory and disks, the tar stream hashed on the way, into {RemoteCommand.Quote(Path.Combine(store.PartialDirectory(name), ArchiveReceiver.IncomingFile))}"
                : $"# tar -S | zstd (or pigz, gzip), the tar stream hashed on the way, into {store.PartialDirectory(name)}",
        };
        if (checkpoint) lines.Add(RemoteCommand.Xl("unpause", domain).CommandLine + "   # once the disks are archived, unless the domain was paused before");
        if (store.IsLocal)
            lines.Add($"# compare the sha256 and size of what arrived with the host's, rename it to {name}.tar.zst, write manifest.json, rename to {store.ImageDirectory(name)}");
        else
            lines.Add(Publish(store.PartialDirectory(name), store.ImageDirectory(name)).Display);
        lines.Add(StagingDirectory.RemoveTree(tmp).Display);
        return lines;
    }

    private static RemoteCommand SaveCommand(string domain, string file, bool checkpoint) =>
        checkpoint ? RemoteCommand.Xl("save", "-p", domain, file) : RemoteCommand.Xl("save", domain, file);

    /// <summary>Unpauses a domain the checkpoint paused, even when the save was cancelled; the error, if any, for the caller.</summary>
    private static async Task<XenHostException?> UnpauseAsync(HostConnection host, string domain, Action<string> status)
    {
        var unpause = RemoteCommand.Xl("unpause", domain);
        try
        {
            var result = await host.RunAsync(unpause, CancellationToken.None).ConfigureAwait(false);
            if (result.Succeeded) { status($"{host.Name}: {domain} unpaused"); return null; }
            return new XenHostException(XenErrorIds.ImageSaveFailed, XenErrorCategory.InvalidOperation, host.Name,
                $"{domain} on {host.Name} was left paused after its checkpoint: {unpause.CommandLine} failed: {result.StdErr.Trim()}")
            { RecommendedAction = $"Run Resume-XenDomain -Name {domain}." };
        }
        catch (XenHostException ex)
        {
            return new XenHostException(XenErrorIds.ImageSaveFailed, XenErrorCategory.ConnectionError, host.Name,
                $"{domain} on {host.Name} was left paused after its checkpoint: {ex.Message}", ex)
            { RecommendedAction = $"Run Resume-XenDomain -Name {domain} once the host answers." };
        }
    }


    public static async Task<XenImage> SaveAsync(HostConnection host, string domain, ImageStore store, ImageSaveOptions options, IProgress<long>? bytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ImageSaveOptions();
        var lease = new SaveLease(host, domain, options);
        try { return await SaveUnderLeaseAsync(host, domain, store, options, bytes, lease, ct).ConfigureAwait(false); }
        finally { await lease.ReleaseAsync().ConfigureAwait(false); }
    }

    private static async Task<XenImage> SaveUnderLeaseAsync(HostConnection host, string domain, ImageStore store, ImageSaveOptions options,
        IProgress<long>? bytes, SaveLease lease, CancellationToken ct)
    {
        if (!XenNames.IsValidName(domain))
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, host.Name, $"'{domain}' is not a valid domain name.");
        if (!store.IsLocal && !string.Equals(store.Host!.Name, host.Name, StringComparison.OrdinalIgnoreCase))
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, host.Name,
                $"A repository on a host must be on the domain's own host ({host.Name}), not on {store.Host.Name}; use a local repository to move images between hosts.");
        var watch = Stopwatch.StartNew();
        var status = options.Status ?? (_ => { });
        var journal = lease.Journal;

        var snapshot = await HostSnapshot.ReadAsync(host, journal, ct).ConfigureAwait(false);
        var state = snapshot.Journal;
        var running = snapshot.Running(domain);

        var tmp = TempDirOf(host, domain);
        var memory = tmp + "/" + MemoryMember;
        var tempRecord = state.Find(ImageResourceKinds.Temp, tmp);
        var tempData = tempRecord?.Last.Data;
        var resume = running is null && tempRecord is { Exists: true } && (string?)tempData?["memory"] == memory;
        if (running is null && !resume)
            throw new XenHostException(XenErrorIds.DomainNotFound, XenErrorCategory.ObjectNotFound, host.Name,
                $"{domain} is not running on {host.Name}, and there is no interrupted save of it to finish.");

        var created = resume && tempData?["created"] is { } c ? c.ToObject<DateTimeOffset>() : DateTimeOffset.UtcNow;
        var name = options.ImageName ?? (resume ? (string?)tempData?["image"] : null) ?? DefaultName(domain, created);
        ImageStore.ValidateName(name);
        var checkpoint = resume ? (bool?)tempData?["checkpoint"] ?? false : options.Checkpoint;
        if ((await store.ListAsync(false, ct).ConfigureAwait(false)).Any(i => i.Name == name))
            throw new XenHostException(XenErrorIds.ImageExists, XenErrorCategory.ResourceExists, host.Name,
                $"The repository {store.Location} already has an image named '{name}'.") { RecommendedAction = "Give another -ImageName, or remove the old image with Remove-XenImage." };

        // What to archive: the config the journal lists for the domain (its disks), else xl's own view of the domain.
        var configRecord = state.Resources.LastOrDefault(r => r.Kind == ResourceKinds.Config && r.Domain == domain && r.Exists);
        var configPath = configRecord?.Resource;
        var pool = configRecord?.Pool ?? state.Find(ResourceKinds.Domain, domain)?.Pool;
        // Another controller held the domain (a removal, a save): what was read may be out of date, so it is read again.
        if (await lease.TakeAsync(pool, ct).ConfigureAwait(false)) return await SaveUnderLeaseAsync(host, domain, store, options, bytes, lease, ct).ConfigureAwait(false);
        var config = "";
        List<string> disks;
        if (resume && tempData?["disks"] is JArray saved)
        {
            disks = saved.Select(t => (string)t!).ToList();
            config = (string?)tempData["config"] ?? "";
        }
        else
        {
            if (configPath is not null)
            {
                var cat = await host.RunAsync(RemoteCommand.Of("cat", configPath), ct).ConfigureAwait(false);
                if (cat.Succeeded) config = cat.StdOut;
            }
            disks = config.Length > 0 ? DisksOf(config, host.Name) : await DisksFromXlAsync(host, domain, ct).ConfigureAwait(false);
        }
        foreach (var d in disks.Where(d => !d.StartsWith('/')))
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidData, host.Name, $"{domain}'s disk '{d}' is not an absolute path; it cannot be archived.");

        var ours = state.Find(ResourceKinds.Domain, domain) is { Removed: false };
        // A checkpoint leaves the domain paused (xl save -p) until its disks are archived, so memory and disks are of one
        // moment; a domain the operator had paused stays paused.
        var pausedBySave = checkpoint && !resume && running!.State != DomainState.Paused;
        if (!resume)
        {
            status($"{host.Name}: xl save{(checkpoint ? " -p" : "")} {domain} into {tmp}");
            var startData = new JObject { ["purpose"] = "save", ["image"] = name, ["created"] = created, ["checkpoint"] = checkpoint };
            await RunOrThrow(host, StagingDirectory.Make(journal, tmp, domain, pool, startData), XenErrorIds.ImageSaveFailed, ct).ConfigureAwait(false);

            var savedData = new JObject(startData) { ["memory"] = memory, ["disks"] = new JArray(disks), ["config"] = config };
            var save = SaveCommand(domain, memory, checkpoint);
            var steps = new List<RemoteCommand> { save, journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ImageResourceKinds.Temp, tmp, domain, pool, savedData)) };
            if (ours && !checkpoint)
            {
                // xl save destroyed the domain: the journal says so, so nobody stops it again.
                steps.Add(journal.AppendCommand(JournalEntry.Of(JournalOp.Undo, ResourceKinds.Domain, domain, domain, pool)));
                steps.Add(journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, ResourceKinds.Domain, domain, domain, pool)));
            }
            var result = await host.RunAsync(RemoteCommand.All(steps.ToArray()), ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await RemoveTempAsync(host, journal, tmp, domain, pool, CancellationToken.None).ConfigureAwait(false);
                var failure = new CommandResult { Host = result.Host, CommandLine = save.CommandLine, ExitCode = result.ExitCode, StdOut = result.StdOut, StdErr = result.StdErr, Duration = result.Duration };
                throw XlFailure.From(failure, save);
            }
        }
        else status($"{host.Name}: {domain} was saved by an interrupted run; archiving its memory image from {memory}");

        var partialOnHost = store.IsLocal ? null : store.PartialDirectory(name);
        var partialLocal = store.IsLocal ? store.PartialDirectory(name) : null;
        try
        {
            if (partialOnHost is not null)
                await RunOrThrow(host, StagingDirectory.Make(journal, partialOnHost, domain, pool), XenErrorIds.ImageSaveFailed, ct).ConfigureAwait(false);

            var pairs = new List<string> { MemoryMember, memory };
            for (var i = 0; i < disks.Count; i++) { pairs.Add($"disk-{i}"); pairs.Add(disks[i]); }
            status($"{host.Name}: archiving {disks.Count + 1} members, the tar stream hashed as it is compressed{(store.IsLocal ? $", the archive streamed into {partialLocal}" : "")}");
            if (pausedBySave) status($"{host.Name}: {domain} stays paused while its disks are archived (a consistent checkpoint)");
            await lease.RenewAsync(ct).ConfigureAwait(false);
            ArchiveOutput parsed;
            try
            {
                parsed = store.IsLocal
                    ? await ArchiveReceiver.ReceiveAsync(host, ArchiveReceiver.Command(tmp, name, pairs), domain, partialLocal!, disks, memory, bytes, ct).ConfigureAwait(false)
                    : await ArchiveOnHostAsync(host, RemoteCommand.Script(Scripts.ImageArchive, new[] { tmp, partialOnHost!, name }.Concat(pairs).ToArray()), domain, disks, memory, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (pausedBySave)
            {
                // A stream cut off with the host often leaves the unpause failing too: the paused domain is what to tell first.
                if (await UnpauseAsync(host, domain, status).ConfigureAwait(false) is { } stuck)
                    throw new XenHostException(stuck.ErrorId, stuck.Category, stuck.Host, $"{stuck.Message} The archive had failed: {e.Message}", e) { RecommendedAction = stuck.RecommendedAction };
                throw;
            }
            if (pausedBySave && await UnpauseAsync(host, domain, status).ConfigureAwait(false) is { } unpauseFailed) throw unpauseFailed;
            status($"{host.Name}: compressed with {parsed.Compression}{(parsed.Compression == "zstd" ? "" : " (zstd is not installed on the host)")}: {parsed.ArchiveBytes} bytes for {parsed.Members.Sum(m => m.SizeBytes)} bytes of members");

            var image = new XenImage
            {
                Name = name, Domain = domain, Pool = pool, SourceHost = host.Name, Created = created, Checkpoint = checkpoint,
                Compression = parsed.Compression, Config = config, ConfigPath = configPath, Members = parsed.Members,
                ArchiveFile = parsed.ArchiveFile, ArchiveBytes = parsed.ArchiveBytes, ArchiveSha256 = parsed.ArchiveSha256,
                StreamSha256 = parsed.StreamSha256,
            };
            if (store.IsLocal)
            {
                // The archive arrived whole and verified (ArchiveReceiver); the manifest, then the rename, make it an image.
                await File.WriteAllTextAsync(Path.Combine(partialLocal!, ImageStore.ManifestFile), image.ToJson(), ct).ConfigureAwait(false);
                var final = store.ImageDirectory(name);
                if (Directory.Exists(final))
                    throw new XenHostException(XenErrorIds.ImageExists, XenErrorCategory.ResourceExists, null, $"{final} appeared while {domain} was being saved; it is not replaced.");
                Directory.Move(partialLocal!, final);
            }
            else
            {
                var archivePath = partialOnHost + "/" + image.ArchiveFile;
                var verify = await host.RunAsync(RemoteCommand.Script(Scripts.VerifySha256, archivePath, image.ArchiveSha256, ""), ct).ConfigureAwait(false);
                if (!verify.Succeeded) throw ScriptFailure(verify, XenErrorIds.ImageCorrupt, $"The archive of {domain} on {host.Name} does not read back as written");
                var final = store.ImageDirectory(name);
                await RunOrThrow(host, RemoteCommand.All(
                    RemoteCommand.Script(Scripts.FileWrite, partialOnHost + "/" + ImageStore.ManifestFile, "ours").WithInput(image.ToJson()),
                    journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ImageResourceKinds.SavedImage, final, domain, pool, new JObject { ["image"] = name })),
                    Publish(partialOnHost!, final),
                    journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ImageResourceKinds.SavedImage, final, domain, pool, new JObject { ["image"] = name })),
                    journal.AppendCommand(JournalEntry.Of(JournalOp.Undo, ImageResourceKinds.Temp, partialOnHost!, domain, pool)),
                    journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, ImageResourceKinds.Temp, partialOnHost!, domain, pool))), XenErrorIds.ImageSaveFailed, ct).ConfigureAwait(false);
                partialOnHost = null;
                bytes?.Report(image.ArchiveBytes);
            }
            await RemoveTempAsync(host, journal, tmp, domain, pool, ct).ConfigureAwait(false);
            image.Location = store.IsLocal ? store.ImageDirectory(name) : $"{host.Name}:{store.ImageDirectory(name)}";
            image.Complete = true;
            image.Store = store;
            image.Duration = watch.Elapsed;
            return image;
        }
        catch (Exception e) when (e is not OperationCanceledException || ct.IsCancellationRequested)
        {
            // Nothing half-made is left where it could look complete. The memory image of a stopped domain is kept to resume.
            try
            {
                if (partialLocal is not null && Directory.Exists(partialLocal)) Directory.Delete(partialLocal, true);
                if (partialOnHost is not null) await RemoveTempAsync(host, journal, partialOnHost, domain, pool, CancellationToken.None).ConfigureAwait(false);
                if (checkpoint) await RemoveTempAsync(host, journal, tmp, domain, pool, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) { /* the host is gone: the journal lists the temp dirs for the next run and Clear-XenHost */ }
            if (!checkpoint && e is XenHostException x)
                throw new XenHostException(x.ErrorId, x.Category, x.Host,
                    x.Message + $" {domain} was stopped by xl save; its memory image is kept in {host.Name}:{memory}. Run Save-XenImage for {domain} again to finish the image.", x)
                { RecommendedAction = x.RecommendedAction ?? $"Save-XenImage -Domain {domain} -Host {host.Name} again (it resumes), or restore nothing and start the domain afresh." };
            throw;
        }
    }

    /// <summary>image-archive.sh: the archive written into the repository's NAME.partial on the host, its report on stdout.</summary>
    private static async Task<ArchiveOutput> ArchiveOnHostAsync(HostConnection host, RemoteCommand archive, string domain, IReadOnlyList<string> disks, string memory, CancellationToken ct)
    {
        var result = await host.RunAsync(archive, ct).ConfigureAwait(false);
        if (!result.Succeeded) throw ScriptFailure(result, XenErrorIds.ImageSaveFailed, $"Archiving {domain} on {host.Name} failed");
        return ParseArchiveOutput(result.StdOut, disks, memory);
    }

    private static async Task RemoveTempAsync(HostConnection host, HostJournal journal, string dir, string domain, string? pool, CancellationToken ct) =>
        await RunOrThrow(host, StagingDirectory.Remove(journal, dir, domain, pool), XenErrorIds.ImageSaveFailed, ct).ConfigureAwait(false);

    /// <summary>NAME.partial to NAME in a repository on a host; a name that is taken is refused (exit Exists).</summary>
    private static RemoteCommand Publish(string partial, string final) => RemoteCommand.Script(Scripts.MoveIntoPlace, partial, final, "new");

    internal static async Task RunOrThrow(HostConnection host, RemoteCommand command, string errorId, CancellationToken ct)
    {
        var result = await host.RunAsync(command, ct).ConfigureAwait(false);
        if (!result.Succeeded) throw ScriptFailure(result, errorId, $"'{Short(command.Display)}' failed on {host.Name}");
    }

    internal static string Short(string line) => line.Length <= 200 ? line : line[..200] + "...";

    /// <summary>A failed image script: its marker decides the error id.</summary>
    internal static XenHostException ScriptFailure(CommandResult result, string errorId, string what)
    {
        var err = string.Join(" | ", result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (err.Length == 0) err = "(no output)";
        var (id, category) = (HostScriptExit)result.ExitCode switch
        {
            HostScriptExit.ToolMissing => (XenErrorIds.ToolMissing, XenErrorCategory.ResourceUnavailable),
            HostScriptExit.Corrupt => (XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData),
            HostScriptExit.Missing => (XenErrorIds.ImageInvalid, XenErrorCategory.InvalidData),
            HostScriptExit.Exists => (XenErrorIds.StorageConflict, XenErrorCategory.ResourceExists),
            _ when err.Contains("No space left", StringComparison.Ordinal) => (XenErrorIds.StorageNoSpace, XenErrorCategory.WriteError),
            _ => (errorId, XenErrorCategory.InvalidOperation),
        };
        return new XenHostException(id, category, result.Host, $"{what} (exit {result.ExitCode}): {err}")
        {
            RecommendedAction = id == XenErrorIds.ToolMissing ? "Install the missing tool on the host (apt-get install zstd tar qemu-utils)." : null,
        };
    }

    internal sealed record ArchiveOutput(string Compression, IReadOnlyList<ImageMember> Members, string ArchiveFile, long ArchiveBytes, string ArchiveSha256,
        string StreamSha256);

    internal static ArchiveOutput ParseArchiveOutput(string stdout, IReadOnlyList<string> disks, string memory)
    {
        string? compression = null, file = null, sha = null, streamSha = null;
        long size = -1;
        var members = new List<ImageMember>();
        // Each member the save asked for, once: the manifest says what the host reported, nothing more or less.
        var expected = new HashSet<string>(disks.Select((_, i) => $"disk-{i}").Append(MemoryMember), StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ');
            if (f[0] == "compression" && f.Length == 2) compression = f[1];
            else if (f[0] == "member" && f.Length == 3 && expected.Remove(f[1]))
            {
                var isMemory = f[1] == MemoryMember;
                var original = isMemory ? memory : disks[int.Parse(f[1]["disk-".Length..], CultureInfo.InvariantCulture)];
                members.Add(new ImageMember(f[1], isMemory ? ImageMember.Memory : ImageMember.Disk, original, long.Parse(f[2], CultureInfo.InvariantCulture)));
            }
            else if (f[0] == "stream" && f.Length == 2) streamSha = f[1];
            else if (f[0] == "archive" && f.Length == 4) { file = f[1]; size = long.Parse(f[2], CultureInfo.InvariantCulture); sha = f[3]; }
        }
        if (compression is null || file is null || sha is null || streamSha is null || expected.Count > 0)
            throw new XenHostException(XenErrorIds.ImageSaveFailed, XenErrorCategory.InvalidData, null, $"The archive step printed something unexpected: {stdout.Trim()}");
        return new ArchiveOutput(compression, members, file, size, sha, streamSha);
    }

    /// <summary>The disk files of an xl.cfg (cdroms and empty targets left out).</summary>
    public static List<string> DisksOf(string config, string host)
    {
        var parsed = XlConfigParser.Parse(config, "config");
        var domainConfig = parsed.Config is null ? null : XlDomainConfig.From(parsed.Config, out _);
        if (domainConfig is null)
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidData, host,
                "The domain's config does not parse: " + string.Join("; ", parsed.Messages));
        return domainConfig.Disks.Where(d => !d.IsCdrom && !string.IsNullOrEmpty(d.Target)).Select(d => d.Target).Distinct().ToList();
    }

    private static async Task<List<string>> DisksFromXlAsync(HostConnection host, string domain, CancellationToken ct)
    {
        var result = await host.RunXlAsync(ct, "list", "-l", domain).ConfigureAwait(false);
        return XlListLongParser.Parse(result.StdOut, host.Name).SelectMany(d => d.Disks)
            .Where(d => !d.IsCdrom && !string.IsNullOrEmpty(d.PdevPath)).Select(d => d.PdevPath!).Distinct().ToList();
    }
}
