using SmartDomains.HostScripts;
using SmartDomains.Lifecycle;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.XlConfig;

namespace SmartDomains.Cleanup;

/// <summary>
/// Turns a replayed host journal and the domains running now into the ordered steps of a cleaning run. Pure: no host is
/// contacted, so it is tested without one. Only what the journal lists as the module's is ever planned:
/// domains (running ones destroyed, gone ones forgotten), then configs, images and volumes, base images, directories
/// (deepest first, only when empty) and last the pool records; each group newest first.
/// </summary>
public static class CleanupPlanner
{
    /// <summary>The first line of every config Start-XenPool writes (XlConfigRenderer).</summary>
    public const string ConfigHeader = XlConfigRenderer.Header;

    /// <summary>Exit NotOurs when a file is at <paramref name="path"/> that does not start with <see cref="ConfigHeader"/>.</summary>
    public static RemoteCommand ConfigOwnedCheck(string path) => RemoteCommand.Script(Scripts.ConfigOwned, path, ConfigHeader);

    private static readonly string[] KnownKinds =
    {
        ResourceKinds.Domain, ResourceKinds.Config, ResourceKinds.Image, ResourceKinds.Volume,
        ResourceKinds.BaseImage, ResourceKinds.Directory, ResourceKinds.Pool, Images.ImageResourceKinds.Temp, Images.ImageResourceKinds.SavedImage,
        DomainMarks.Hold, DomainMarks.Restarts, DomainMarks.WindowSave,
    };

    /// <summary>Removes one staging directory the module made (a save or restore temp dir, a repository's NAME.partial).</summary>
    public static RemoteCommand RemoveTemp(string path) => Images.StagingDirectory.RemoveTree(path);

    public static RemoteCommand RemoveTemp(string path, Hosts.HostLayout layout) =>
        RemoteCommand.Script(Scripts.TempRemove, path, layout.StagingRoot);

    /// <param name="journal">The host's journal, replayed.</param>
    /// <param name="running">The domains xl lists now (by name).</param>
    /// <param name="pool">Only this pool's resources (Remove-XenPool); null for everything (Clear-XenHost).</param>
    /// <param name="keepDomains">Domains whose save failed: nothing of them is removed.</param>
    /// <param name="graceful">Shut running domains down gracefully (then destroy) rather than destroy them at once.</param>
    /// <param name="runningUuids">The running domains' uuids (xl list -v), to tell the module's domain from a later one of the
    /// same name: such a domain, and the storage and config of the one the module made, are left alone.</param>
    public static IReadOnlyList<CleanupItem> Plan(JournalState journal, IEnumerable<string> running, string? pool,
        IEnumerable<string>? keepDomains = null, bool graceful = false, TimeSpan? shutdownTimeout = null,
        IReadOnlyDictionary<string, Guid?>? runningUuids = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var runningSet = new HashSet<string>(running, StringComparer.Ordinal);
        var keep = new HashSet<string>(keepDomains ?? Array.Empty<string>(), StringComparer.Ordinal);
        var keptWhy = keep.ToDictionary(d => d, d => $"{d}'s save failed", StringComparer.Ordinal);
        // Newest first: the reverse of the order in which the journal first recorded each resource.
        var live = journal.Live.Reverse().ToArray();
        bool InPool(JournalResource r) => pool is null || string.Equals(r.Pool, pool, StringComparison.Ordinal);
        var items = new List<CleanupItem>();

        CleanupItem Item(JournalResource r, string action) => new()
        {
            Kind = r.Kind, Resource = r.Resource, Pool = r.Pool, Domain = r.Domain, Action = action, Record = r,
            JournalState = r.Last.Op.ToString().ToLowerInvariant(),
        };
        CleanupItem Kept(CleanupItem i, string why) { i.Status = CleanupStatus.Kept; i.Message = why; return i; }
        bool KeptDomain(JournalResource r) => r.Domain is not null && keptWhy.ContainsKey(r.Domain);

        // 1. Domains: running ones are stopped; ones that are gone are only journaled as gone.
        foreach (var r in live.Where(r => r.Kind == ResourceKinds.Domain && InPool(r)))
        {
            var name = r.Resource;
            if (keep.Contains(name)) { items.Add(Kept(Item(r, CleanupActions.Forget), "its save failed: nothing of it is removed")); continue; }
            if (runningSet.Contains(name) && !DomainIdentity.IsTheOneMade(r, runningUuids?.GetValueOrDefault(name)))
            {
                items.Add(Kept(Item(r, CleanupActions.Forget), $"another domain of that name runs (uuid {runningUuids![name]:D}, not the {DomainIdentity.MadeUuid(r):D} the module made): it, and the config and storage of {name}, are left alone"));
                keptWhy[name] = $"a domain named {name} that SmartDomains did not make runs";
                continue;
            }
            if (runningSet.Contains(name))
            {
                var i = Item(r, graceful ? CleanupActions.Shutdown : CleanupActions.Destroy);
                if (graceful) i.Commands.Add(DomainOperations.Commands.Shutdown(name, shutdownTimeout ?? TimeSpan.FromSeconds(60)).Display);
                i.Commands.Add(DomainOperations.Commands.Destroy(name).Display + (graceful ? "   # only if the shutdown timed out" : ""));
                items.Add(i);
            }
            else
            {
                var i = Item(r, CleanupActions.Forget);
                i.Message = "not running";
                items.Add(i);
            }
        }

        // 2. Configs (with their temp file); a half-made one only when the file there is SmartDomains's.
        foreach (var r in live.Where(r => r.Kind == ResourceKinds.Config && InPool(r)))
        {
            var i = Item(r, CleanupActions.Remove);
            if (KeptDomain(r)) { items.Add(Kept(i, keptWhy[r.Domain!])); continue; }
            if (r.HalfMade) i.Commands.Add(ConfigOwnedCheck(r.Resource).Display);
            i.Commands.Add(ConfigFileCommands.Remove(r.Resource).Display);
            items.Add(i);
        }

        // 3. Images and volumes.
        var removedImages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in live.Where(r => r.Kind is ResourceKinds.Image or ResourceKinds.Volume && InPool(r)))
        {
            var i = Item(r, CleanupActions.Remove);
            if (KeptDomain(r)) { items.Add(Kept(i, keptWhy[r.Domain!])); continue; }
            if (r.Kind == ResourceKinds.Image) i.Commands.Add(StorageUndo.RemoveFiles(r.Resource).Display);
            else if (LogicalVolumes.TryParsePath(r.Resource, out var vg, out var lv)) i.Commands.Add(LogicalVolumes.Remove(vg, lv).Display + "   # only if the volume exists");
            items.Add(i);
            removedImages.Add(r.Resource);
        }

        // 4. Base images: for a pool, only those its images were made from, and only when no other live pool uses them.
        foreach (var r in live.Where(r => r.Kind == ResourceKinds.BaseImage))
        {
            var users = BaseImageUsers(journal, r).Where(u => !removedImages.Contains(u.Resource)).ToArray();
            if (pool is not null && !journal.Resources.Any(u => u.Kind == ResourceKinds.Image && u.Pool == pool && UsesBase(u, r.Resource)))
                continue;                                           // not this pool's: not in the report at all
            var i = new CleanupItem
            {
                Kind = r.Kind, Resource = r.Resource, Pool = pool, Action = CleanupActions.Remove, Record = r,
                JournalState = r.Last.Op.ToString().ToLowerInvariant(),
            };
            var otherPools = pool is null ? Array.Empty<string>() : PoolsUsingBase(journal, r, except: pool);
            if (users.Length > 0) { items.Add(Kept(i, "still the base of " + string.Join(", ", users.Select(u => u.Resource)))); continue; }
            if (otherPools.Length > 0) { items.Add(Kept(i, "still used by the pool" + (otherPools.Length > 1 ? "s " : " ") + string.Join(", ", otherPools))); continue; }
            var temps = new[] { r.First.Data, r.Last.Data }.Select(d => (string?)d?["temp"]).OfType<string>().Distinct();
            i.Commands.Add(StorageUndo.RemoveFiles(new[] { r.Resource }.Concat(temps).ToArray()).Display);
            items.Add(i);
        }

        // 4b. Staging directories of saves and restores go; saved images in a store on the host are the operator's product: kept.
        foreach (var r in live.Where(r => r.Kind == Images.ImageResourceKinds.Temp && InPool(r)))
        {
            var i = Item(r, CleanupActions.Remove);
            i.Commands.Add(RemoveTemp(r.Resource).Display);
            items.Add(i);
        }
        if (pool is null)
            foreach (var r in live.Where(r => r.Kind == Images.ImageResourceKinds.SavedImage))
                items.Add(Kept(Item(r, CleanupActions.Forget), "a saved image is kept; Remove-XenImage removes it"));

        // 5. Directories the module made, deepest first, only when empty.
        foreach (var r in live.Where(r => r.Kind == ResourceKinds.Directory && InPool(r)).OrderByDescending(r => r.Resource.Count(c => c == '/')))
        {
            var i = Item(r, CleanupActions.Remove);
            var prefix = r.Resource.TrimEnd('/') + "/";
            var held = items.Where(k => k.Status == CleanupStatus.Kept && k.Resource.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
            if (held.Length > 0) { items.Add(Kept(i, "holds " + string.Join(", ", held.Select(h => h.Resource)))); continue; }
            i.Commands.Add(StorageUndo.RemoveEmptyDirectory(r.Resource).Display + "   # refuses a directory that is not empty");
            items.Add(i);
        }

        // 5b. Holds, restart budgets and window saves are records only: forgotten with the pool's domains.
        foreach (var r in live.Where(r => DomainMarks.Kinds.Contains(r.Kind) && InPool(r) && !KeptDomain(r)))
            items.Add(Item(r, CleanupActions.Forget));

        // 6. Pool records last: the pool is forgotten on this host once all of it here is gone.
        foreach (var r in live.Where(r => r.Kind == ResourceKinds.Pool && InPool(r)))
        {
            var i = Item(r, CleanupActions.Forget);
            var held = items.Where(k => k.Status == CleanupStatus.Kept && k.Pool == r.Resource && k.Kind != ResourceKinds.BaseImage).ToArray();
            if (held.Length > 0) { items.Add(Kept(i, "some of the pool is kept: " + string.Join(", ", held.Select(h => h.Resource)))); continue; }
            items.Add(i);
        }

        // Anything else the journal lists (a kind this version does not know) is left alone and reported.
        if (pool is null)
            foreach (var r in live.Where(r => !KnownKinds.Contains(r.Kind)))
                items.Add(Kept(Item(r, CleanupActions.Forget), $"the kind '{r.Kind}' is not known to this version of SmartDomains; left alone"));
        return items;
    }

    /// <summary>The live images made from (cloned or backed by) a base image.</summary>
    public static IEnumerable<JournalResource> BaseImageUsers(JournalState journal, JournalResource baseImage) =>
        journal.Live.Where(u => u.Kind == ResourceKinds.Image && UsesBase(u, baseImage.Resource));

    private static bool UsesBase(JournalResource image, string basePath)
    {
        foreach (var data in new[] { image.First.Data, image.Last.Data })
            if ((string?)data?["base"] == basePath || (string?)data?["backing"] == basePath) return true;
        return false;
    }

    /// <summary>Other live pools whose recorded plan on this host clones a disk from this base image.</summary>
    private static string[] PoolsUsingBase(JournalState journal, JournalResource baseImage, string except)
    {
        var data = baseImage.Last.Data ?? baseImage.First.Data;
        var name = (string?)data?["name"];
        var pools = new List<string>();
        foreach (var p in journal.Resources.Where(p => p.Kind == ResourceKinds.Pool && p.Exists && p.Resource != except))
        {
            var record = PoolRecord.FromJournal(p.Last);
            var uses = record?.Storage.Any(s => !string.IsNullOrWhiteSpace(s.From) &&
                (string.Equals(s.From, name, StringComparison.Ordinal) || string.Equals(Path.GetFileNameWithoutExtension(s.From), name, StringComparison.Ordinal))) ?? false;
            if (uses || journal.Live.Any(u => u.Kind == ResourceKinds.Image && u.Pool == p.Resource && UsesBase(u, baseImage.Resource)))
                pools.Add(p.Resource);
        }
        return pools.ToArray();
    }
}
