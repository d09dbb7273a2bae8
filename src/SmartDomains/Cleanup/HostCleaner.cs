using System.Diagnostics;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Xl;

namespace SmartDomains.Cleanup;

/// <summary>Saves one domain before it is cleaned (Save-XenImage's ImageSaver behind it). Throws when the save failed.</summary>
public delegate Task SaveDomain(HostConnection host, string domain, CancellationToken ct);

public sealed class CleanupOptions
{
    /// <summary>Shut running domains down (then destroy them when the timeout passes) instead of destroying them at once.</summary>
    public bool Graceful { get; init; }
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A step that does not finish within this counts as the host being unreachable.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>How long the clear lease lives without renewal (it is renewed before every step).</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>-SaveImages: save each running domain first; nothing of a domain whose save failed is removed.</summary>
    public SaveDomain? Save { get; init; }
    /// <summary>Called for each item as it is finished (progress, verbose).</summary>
    public Action<CleanupItem>? ItemDone { get; init; }
    /// <summary>The lease token; by default a new one for each cleaner (<see cref="HostLease.NewToken"/>).</summary>
    public string? LeaseToken { get; init; }
    /// <summary>How long a host (or pool) that another controller holds is waited for before XenHostBusy (-BusyTimeout).</summary>
    public TimeSpan BusyTimeout { get; init; } = HostLease.DefaultBusyTimeout;
    /// <summary>Told who holds what, each time this run waits for another controller's lease (verbose).</summary>
    public Action<string>? Waiting { get; init; }
}

/// <summary>
/// Undoes what one host's journal lists (everything, or one pool's), newest first, each removal journaled as undo then undone,
/// under a lease as narrow as the work (<see cref="HostLease"/>): the whole host for everything; for one pool, that pool while
/// its own resources go, then the whole host for what pools share (base images, directories). Never throws for a host
/// problem: the report says what happened.
/// Re-runnable: whatever a crash or a dead link left half-done is still in the journal, and the next run finishes it.
/// </summary>
public sealed class HostCleaner
{
    private readonly HostConnection _host;
    private readonly CleanupOptions _options;
    // One token for the run: its lease line is replaced when the scope changes, and its journal lines pass its own lease.
    private readonly string _token;
    private readonly HostJournal _journal;

    public HostCleaner(HostConnection host, CleanupOptions? options = null)
    {
        _host = host;
        _options = options ?? new CleanupOptions();
        _token = _options.LeaseToken ?? HostLease.NewToken();
        _journal = new HostJournal(host) { LeaseToken = _token };
    }

    /// <summary>What pools share: removed by a pool's run only under the whole host's lease, with the journal read again.</summary>
    private static bool Shared(CleanupItem item) => item.Kind is ResourceKinds.BaseImage or ResourceKinds.Directory;

    private HostLease Lease(string? pool, bool shared = false) =>
        // A pool name that is not a name (a journal written by hand) gets the whole host: the safe side.
        new(_host, pool is null || shared || !Pools.XenNames.IsValidName(pool) ? LeaseScope.Host : LeaseScope.OfPool(pool),
            pool is null ? "Clear-XenHost" : $"Remove-XenPool of pool '{pool}'" + (shared ? " (the base images and directories it shares)" : ""), _token)
        { BusyTimeout = _options.BusyTimeout, StepTimeout = StepLimit, Waiting = _options.Waiting };

    /// <param name="Running">The domains xl lists, by name, with their uuids.</param>
    private sealed record HostRead(JournalState Journal, int Lines, IReadOnlyDictionary<string, Guid?> Running);

    private async Task<HostRead> ReadAsync(CancellationToken ct)
    {
        var snapshot = await HostSnapshot.ReadAsync(_host, _journal, ct).ConfigureAwait(false);
        var running = snapshot.Domains.Where(d => d.Name is not null && d.Name != "Domain-0")
            .GroupBy(d => d.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Uuid, StringComparer.Ordinal);
        return new HostRead(snapshot.Journal, snapshot.JournalLines, running);
    }

    /// <summary>-WhatIf: the report of what a run would remove and the exact commands. Reads the host only.</summary>
    public async Task<XenCleanupReport> PlanAsync(string? pool, CancellationToken ct)
    {
        var report = new XenCleanupReport { Host = _host.Name, Pool = pool, Status = CleanupOutcome.WhatIf };
        var watch = Stopwatch.StartNew();
        try
        {
            var read = await Step(ReadAsync, ct).ConfigureAwait(false);
            if (_options.Save is not null)
                foreach (var d in ManagedRunning(read, pool))
                    report.Items.Add(new CleanupItem { Kind = ResourceKinds.Domain, Resource = d, Domain = d, Pool = pool, Action = CleanupActions.Save, Commands = { "Save-XenImage (xl save, tar, compress) into the -SaveImages repository" } });
            report.Items.AddRange(CleanupPlanner.Plan(read.Journal, read.Running.Keys, pool, null, _options.Graceful, _options.ShutdownTimeout, read.Running));
            if (report.Items.Count == 0) report.Message = "the journal lists nothing" + (pool is null ? "" : $" of the pool {pool}");
            var lease = Lease(pool);
            report.Commands.Add(lease.AcquireCommand(_options.LeaseTime).Display);
            foreach (var i in report.Items.Where(i => pool is null || !Shared(i))) report.Commands.AddRange(i.Commands.Select(c => c.Split("   #")[0]));
            if (pool is not null && report.Items.Any(Shared))
            {
                report.Commands.Add(Lease(pool, shared: true).AcquireCommand(_options.LeaseTime).Display + "   # the whole host, for what pools share; the journal is read again");
                foreach (var i in report.Items.Where(Shared)) report.Commands.AddRange(i.Commands.Select(c => c.Split("   #")[0]));
            }
            report.Commands.Add(WillEmpty(read.Journal, report.Items)
                ? lease.FinishCommand(read.Lines).Display + "   # when everything is undone: the journal, lease and lock go"
                : lease.ReleaseCommand().Display);
        }
        catch (XenHostException ex)
        {
            report.Status = CleanupOutcome.Failed;
            report.Error = ex;
            report.Message = ex.Message;
        }
        report.Duration = watch.Elapsed;
        return report;
    }

    private static bool WillEmpty(JournalState journal, IReadOnlyList<CleanupItem> items)
    {
        var planned = items.Where(i => i.Status == CleanupStatus.Planned && i.Record is not null).Select(i => i.Record!.Kind + ":" + i.Record.Resource).ToHashSet();
        return journal.Live.All(r => planned.Contains(r.Kind + ":" + r.Resource));
    }

    private static IEnumerable<string> ManagedRunning(HostRead read, string? pool) =>
        read.Journal.Live.Where(r => r.Kind == ResourceKinds.Domain && (pool is null || r.Pool == pool)
                && read.Running.TryGetValue(r.Resource, out var uuid) && DomainIdentity.IsTheOneMade(r, uuid))
            .Select(r => r.Resource);

    /// <summary>Cleans the host: everything the journal lists (pool null), or one pool's resources.</summary>
    public async Task<XenCleanupReport> RunAsync(string? pool, CancellationToken ct)
    {
        var report = new XenCleanupReport { Host = _host.Name, Pool = pool };
        var watch = Stopwatch.StartNew();
        HostLease? held = null;
        try
        {
            var read = await Step(ReadAsync, ct).ConfigureAwait(false);

            // -SaveImages first, before the lease: the saver journals what it writes, like any other controller.
            var keep = new List<string>();
            var saves = await SaveAsync(read, pool, keep, ct).ConfigureAwait(false);
            report.Items.AddRange(saves);

            if (!read.Journal.Live.Any() && keep.Count == 0)
            {
                // Nothing journaled: tidy what a run that died while finishing may have left (lease, lock, empty cache dir).
                if (pool is null) await Step(t => _host.RunAsync(Lease(null).TidyCommand(), t), ct).ConfigureAwait(false);
                report.Status = CleanupOutcome.NothingToDo;
                report.JournalRemoved = pool is null;
                report.Message = "the journal lists nothing";
                return report;
            }

            held = Lease(pool);
            await held.AcquireAsync(LeaseTimeFor(null), ct).ConfigureAwait(false);
            report.Commands.Add(held.AcquireCommand(_options.LeaseTime).Display);
            // Read again under the lease: from now on nobody else can add to the journal in its scope.
            read = await Step(ReadAsync, ct).ConfigureAwait(false);
            var items = CleanupPlanner.Plan(read.Journal, read.Running.Keys, pool, keep, _options.Graceful, _options.ShutdownTimeout, read.Running);
            if (items.Count == 0 && saves.Count == 0)
            {
                report.Status = CleanupOutcome.NothingToDo;
                report.Message = $"the journal lists nothing of the pool {pool}";
                return report;
            }
            report.Items.AddRange(items);
            var storage = new HostStorage(_host, _journal, repository: null);
            var failedPools = new HashSet<string>(StringComparer.Ordinal);
            var shared = pool is null ? new List<CleanupItem>() : items.Where(Shared).ToList();
            await UndoAllAsync(items.Except(shared), held, storage, pool, failedPools, report, ct).ConfigureAwait(false);
            if (shared.Count > 0)
            {
                // Let go of the pool first, so that two pools' removals never wait for each other's pool leases.
                await held.ReleaseAsync(ct).ConfigureAwait(false);
                held = Lease(pool, shared: true);
                foreach (var i in shared) report.Items.Remove(i);
                XenHostException? busy = null;
                try { await held.AcquireAsync(LeaseTimeFor(null), ct).ConfigureAwait(false); }
                catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostBusy) { busy = ex; held = null; }
                if (busy is null)
                {
                    report.Commands.Add(held!.AcquireCommand(_options.LeaseTime).Display);
                    // Under the host's lease, who else uses a base image or a directory is known for sure.
                    read = await Step(ReadAsync, ct).ConfigureAwait(false);
                    shared = CleanupPlanner.Plan(read.Journal, read.Running.Keys, pool, keep, _options.Graceful, _options.ShutdownTimeout, read.Running)
                        .Where(Shared).ToList();
                    report.Items.AddRange(shared);
                    await UndoAllAsync(shared, held, storage, pool, failedPools, report, ct).ConfigureAwait(false);
                }
                else
                {
                    foreach (var i in shared)
                    {
                        i.Status = CleanupStatus.Kept;
                        i.Message = $"shared by pools, so it goes only under the whole host's lease: {busy.Message} A later Remove-XenPool or Clear-XenHost removes it.";
                        report.Items.Add(i);
                        _options.ItemDone?.Invoke(i);
                    }
                }
            }

            // When the journal has nothing live left, the host is as it was: the journal, lease, cache dir and lock go.
            read = await Step(ReadAsync, ct).ConfigureAwait(false);
            if (!read.Journal.Live.Any())
            {
                var finish = Lease(pool).FinishCommand(read.Lines);
                var done = await Step(t => _host.RunAsync(finish, t), ct).ConfigureAwait(false);
                report.Commands.Add(finish.Display);
                if (done.Succeeded) { report.JournalRemoved = true; held = null; }
                else report.Message = done.StdErr.Trim();
            }
            var failed = report.Items.Count(i => i.Status == CleanupStatus.Failed);
            var kept = report.Items.Count(i => i.Status == CleanupStatus.Kept && !(pool is not null && Shared(i)));
            report.Status = failed == 0 && kept == 0 ? CleanupOutcome.Clean : CleanupOutcome.Partial;
            report.Message ??= report.Status == CleanupOutcome.Clean
                ? (report.JournalRemoved ? "the host holds nothing of SmartDomains" : $"{report.Removed.Count} resources removed")
                : $"{failed} failed, {report.Kept.Count} kept; run again to finish";
        }
        catch (XenHostException ex)
        {
            report.Status = CleanupOutcome.Failed;
            report.Error = ex;
            report.Message = ex.ErrorId == XenErrorIds.HostUnreachable
                ? $"{ex.Message} What was done is journaled; run again when the host is back to finish."
                : ex.Message;
        }
        finally
        {
            if (held is not null)
            {
                held.Forget();
                try
                {
                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    report.Commands.Add(held.ReleaseCommand().Display);
                    await held.ReleaseAsync(limit.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is XenHostException or OperationCanceledException) { /* this process's next lease there lets go of it */ }
            }
            report.Duration = watch.Elapsed;
        }
        return report;
    }

    /// <summary>-SaveImages: each managed running domain of the scope, saved; one whose save failed goes into <paramref name="keep"/>.</summary>
    private async Task<List<CleanupItem>> SaveAsync(HostRead read, string? pool, List<string> keep, CancellationToken ct)
    {
        var saves = new List<CleanupItem>();
        if (_options.Save is null) return saves;
        foreach (var domain in ManagedRunning(read, pool).ToArray())
        {
            var item = new CleanupItem { Kind = ResourceKinds.Domain, Resource = domain, Domain = domain, Pool = pool, Action = CleanupActions.Save };
            try
            {
                await _options.Save(_host, domain, ct).ConfigureAwait(false);
                item.Status = CleanupStatus.Removed;
                item.Message = "saved";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                keep.Add(domain);
                item.Status = CleanupStatus.Failed;
                item.Error = ex as XenHostException ?? new XenHostException(XenErrorIds.CleanupSaveFailed, XenErrorCategory.WriteError, _host.Name,
                    $"Saving {domain} on {_host.Name} failed: {ex.Message}; nothing of it is removed.", ex);
                item.Message = item.Error.Message;
            }
            saves.Add(item);
            _options.ItemDone?.Invoke(item);
        }
        return saves;
    }

    /// <summary>Undoes the planned items in order, renewing <paramref name="lease"/> before each; a failure is the item's.</summary>
    private async Task UndoAllAsync(IEnumerable<CleanupItem> items, HostLease lease, HostStorage storage, string? pool,
        HashSet<string> failedPools, XenCleanupReport report, CancellationToken ct)
    {
        foreach (var item in items)
        {
            if (item.Status == CleanupStatus.Kept) { _options.ItemDone?.Invoke(item); continue; }
            if (item.Kind == ResourceKinds.Pool && failedPools.Contains(item.Resource))
            {
                item.Status = CleanupStatus.Kept;
                item.Message = "some of the pool could not be removed; its record stays so a rerun finds it";
                _options.ItemDone?.Invoke(item);
                continue;
            }
            await lease.AcquireAsync(LeaseTimeFor(item), ct).ConfigureAwait(false);
            try
            {
                await Step(t => UndoAsync(item, storage, t), ct).ConfigureAwait(false);
            }
            catch (XenHostException ex) when (ex.ErrorId != XenErrorIds.HostUnreachable)
            {
                if (pool is not null && item.Kind == ResourceKinds.Directory && ex.ScriptExit == HostScriptExit.NotEmpty)
                {
                    item.Status = CleanupStatus.Kept;
                    item.Message = "not empty: it holds files of other pools or the operator's";
                }
                else
                {
                    item.Status = CleanupStatus.Failed;
                    item.Error = ex;
                    item.Message = ex.Message;
                    if (item.Pool is not null) failedPools.Add(item.Pool);
                }
            }
            report.Commands.AddRange(item.Commands.Select(c => c.Split("   #")[0]));
            _options.ItemDone?.Invoke(item);
        }
    }

    private TimeSpan LeaseTimeFor(CleanupItem? item) =>
        item?.Action == CleanupActions.Shutdown ? _options.LeaseTime + _options.ShutdownTimeout : _options.LeaseTime;

    /// <summary>One resource: the removal between journal lines undo and undone, in one round trip.</summary>
    private async Task UndoAsync(CleanupItem item, HostStorage storage, CancellationToken ct)
    {
        var r = item.Record!;
        var step = new JournaledStep { Kind = r.Kind, Resource = r.Resource, Pool = r.Pool, Domain = r.Domain };
        Task<CommandResult> Run(RemoteCommand c) => _host.RunAsync(c, ct);
        switch (r.Kind)
        {
            case ResourceKinds.Domain when item.Action is CleanupActions.Destroy or CleanupActions.Shutdown:
            {
                var name = r.Resource;
                if (item.Action == CleanupActions.Shutdown)
                {
                    var shut = await step.RunAsync(_journal, JournalOp.Undo, JournalOp.Undone, DomainOperations.Commands.Shutdown(name, _options.ShutdownTimeout), Run, allowFailure: true).ConfigureAwait(false);
                    if (shut.Succeeded) { Done(item, "shut down"); return; }
                }
                var destroy = DomainOperations.Commands.Destroy(name);
                var result = await step.RunAsync(_journal, JournalOp.Undo, JournalOp.Undone, destroy, Run, allowFailure: true).ConfigureAwait(false);
                if (result.Succeeded) { Done(item, "destroyed"); return; }
                // Gone meanwhile (it shut itself down): the journal only needs to say so.
                var list = await _host.RunXlAsync(ct, "list").ConfigureAwait(false);
                if (list.Succeeded && !XlListParser.Parse(list.StdOut, _host.Name).Any(d => d.Name == name))
                {
                    await ForgetAsync(step, ct).ConfigureAwait(false);
                    Done(item, "was gone already");
                    return;
                }
                throw XlFailure.ForCommand(result, destroy);
            }
            case ResourceKinds.Domain:
            case ResourceKinds.Pool:
            case var _ when item.Action == CleanupActions.Forget:
                await ForgetAsync(step, ct).ConfigureAwait(false);
                Done(item, item.Message ?? "forgotten");
                return;
            case Images.ImageResourceKinds.Temp:
                await step.RunAsync(_journal, JournalOp.Undo, JournalOp.Undone, CleanupPlanner.RemoveTemp(r.Resource, _host.Host.Layout), Run).ConfigureAwait(false);
                Done(item, "removed");
                return;
            case ResourceKinds.Config:
            {
                if (r.HalfMade)
                {
                    // Half-made: only a file that SmartDomains wrote goes. Anything else there is the operator's: forgotten, not touched.
                    var owned = await _host.RunAsync(CleanupPlanner.ConfigOwnedCheck(r.Resource), ct).ConfigureAwait(false);
                    if (owned.ExitedWith(HostScriptExit.NotOurs))
                    {
                        await ForgetAsync(step, ct).ConfigureAwait(false);
                        Done(item, "a file there was not written by SmartDomains: left alone, and the journal no longer lists it");
                        return;
                    }
                    if (!owned.Succeeded) throw new XenHostException(XenErrorIds.CleanupFailed, XenErrorCategory.ReadError, _host.Name, $"Could not check {_host.Name}:{r.Resource}: {owned.StdErr.Trim()}");
                }
                await step.RunAsync(_journal, JournalOp.Undo, JournalOp.Undone, ConfigFileCommands.Remove(r.Resource), Run).ConfigureAwait(false);
                Done(item, "removed");
                return;
            }
            default:
                // Images, volumes, base images and directories: HostStorage refuses what the journal does not list, a base image
                // still in use and a directory that is not empty.
                await storage.RemoveAsync(r.Kind, r.Resource, ct).ConfigureAwait(false);
                Done(item, "removed");
                return;
        }
    }

    private async Task ForgetAsync(JournaledStep step, CancellationToken ct)
    {
        var undo = JournalEntry.Of(JournalOp.Undo, step.Kind, step.Resource, step.Domain, step.Pool);
        var undone = JournalEntry.Of(JournalOp.Undone, step.Kind, step.Resource, step.Domain, step.Pool);
        var result = await _host.RunAsync(RemoteCommand.All(_journal.AppendCommand(undo), _journal.AppendCommand(undone)), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.JournalWriteFailed, XenErrorCategory.WriteError, _host.Name,
                $"Could not write the journal on {_host.Name}: {result.StdErr.Trim()}");
    }

    private static void Done(CleanupItem item, string message)
    {
        item.Status = CleanupStatus.Removed;
        item.Message = message;
    }

    // A graceful run waits for shutdowns as well.
    private TimeSpan StepLimit => _options.StepTimeout + (_options.Graceful ? _options.ShutdownTimeout : TimeSpan.Zero);

    private Task<T> Step<T>(Func<CancellationToken, Task<T>> step, CancellationToken ct) => HostStep.RunAsync(_host.Name, StepLimit, step, ct);

    private Task Step(Func<CancellationToken, Task> step, CancellationToken ct) => HostStep.RunAsync(_host.Name, StepLimit, step, ct);
}
