using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Images;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Sync;

public sealed class PoolSyncOptions
{
    /// <summary>The moment the pass works for: windows are judged at it, restart budgets counted from it.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Where window saves go (the pool's images.saved, or -Repository); null: a save outside the window fails and says so.</summary>
    public ImageStore? SavedImages { get; init; }
    /// <summary>How starts and restarts run (throttle, retries, base images): the Start-XenPool engine's options.</summary>
    public PoolStartOptions Start { get; init; } = new();
    /// <summary>How long a pass waits for another's lease on the pool (another pass, a removal) before its host is Skipped.</summary>
    public TimeSpan BusyTimeout { get; init; } = HostLease.DefaultBusyTimeout;
    /// <summary>How long the pass's pool lease lasts: longer than a pass takes; it is released at the end, and expires if the controller dies.</summary>
    public TimeSpan LeaseFor { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// One reconciling pass over a pool (Sync-XenPool): each host is read once (domains, journal, the xl monitor logs of domains
/// that are gone), each domain's action decided by <see cref="SyncPlanner"/>, then done: saves and stops first, restores,
/// then starts and restarts through <see cref="PoolStarter"/> so dependencies are respected. A host that cannot be read
/// has its domains reported Skipped and the others proceed. A failed action leaves the domain as it was, for the next pass.
/// </summary>
public sealed class PoolSync
{
    private readonly XenPool _pool;
    private readonly IReadOnlyDictionary<string, HostConnection> _hosts;
    private readonly PoolSyncOptions _options;
    private readonly IPoolEvents _events;

    public PoolSync(XenPool pool, IReadOnlyDictionary<string, HostConnection> hosts, PoolSyncOptions options, IPoolEvents? events = null)
    {
        _pool = pool;
        _hosts = hosts;
        _options = options;
        _events = events ?? NoPoolEvents.Instance;
    }

    /// <summary>One domain's decision with what it was decided from.</summary>
    public sealed record Planned(PoolDomain Domain, DomainObservation Seen, SyncDecision Decision, HostSnapshot? Snapshot);

    /// <summary>Reads the hosts and decides; changes nothing (-WhatIf, Test-XenPool).</summary>
    public Task<IReadOnlyList<Planned>> PlanAsync(CancellationToken ct) => PlanAsync(null, ct);

    // The pass's pool leases, one token for all its hosts: two passes over one pool never act at once, and what the pass
    // does under them passes them.
    private readonly string _token = HostLease.NewToken();
    private readonly Dictionary<string, HostLease> _leases = new(StringComparer.OrdinalIgnoreCase);

    private async Task<IReadOnlyList<Planned>> PlanAsync(string? leaseToken, CancellationToken ct)
    {
        var views = await Task.WhenAll(_pool.Hosts.Select(h => ReadHostAsync(h, leaseToken, ct))).ConfigureAwait(false);
        var byHost = views.ToDictionary(v => v.Host, StringComparer.OrdinalIgnoreCase);
        return _pool.Domains.Select(d =>
        {
            var view = byHost[d.Host!];
            var seen = view.Snapshot is null ? DomainObservation.Unreachable(view.Error!)
                : DomainObservation.Of(view.Snapshot, _pool.Name, d, view.Logs.GetValueOrDefault(view.Snapshot.Connection.Host.Layout.MonitorLog(d.Name)));
            return new Planned(d, seen, SyncPlanner.Decide(d, seen, _options.At), view.Snapshot);
        }).ToArray();
    }

    private sealed record HostView(string Host, HostSnapshot? Snapshot, IReadOnlyDictionary<string, string?> Logs, string? Error);

    private async Task<HostView> ReadHostAsync(string name, string? leaseToken, CancellationToken ct)
    {
        if (!_hosts.TryGetValue(name, out var connection))
            return new HostView(name, null, new Dictionary<string, string?>(), $"{name} is not connected (Connect-XenHost)");
        try
        {
            var journal = new HostJournal(connection) { LeaseToken = leaseToken };
            if (leaseToken is not null)
            {
                // Taken before the host is read: a second pass waits here, then reads what the first one made.
                var lease = new HostLease(connection, LeaseScope.OfPool(_pool.Name), $"Sync-XenPool of pool '{_pool.Name}'", leaseToken) { BusyTimeout = _options.BusyTimeout };
                await lease.AcquireAsync(_options.LeaseFor, ct).ConfigureAwait(false);
                lock (_leases) _leases[name] = lease;
                journal = lease.Journal;
            }
            var snapshot = await HostSnapshot.ReadAsync(connection, journal, ct).ConfigureAwait(false);
            var gone = _pool.Domains.Where(d => string.Equals(d.Host, name, StringComparison.OrdinalIgnoreCase) && DomainObservation.NeedsMonitorLog(snapshot, d.Name))
                .Select(d => connection.Host.Layout.MonitorLog(d.Name)).ToArray();
            // The end of the log is enough: only what follows the domain's last start counts.
            var logs = await RemoteFiles.TailAsync(connection, 200, gone, ct).ConfigureAwait(false);
            return new HostView(name, snapshot, logs, null);
        }
        catch (XenHostException ex)
        {
            return new HostView(name, null, new Dictionary<string, string?>(), $"{name} could not be read: {ex.Message}");
        }
    }

    public async Task<IReadOnlyList<XenPoolSyncResult>> RunAsync(CancellationToken ct)
    {
        try { return await RunLeasedAsync(ct).ConfigureAwait(false); }
        finally
        {
            foreach (var lease in _leases.Values)
                try
                {
                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await lease.ReleaseAsync(limit.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is XenHostException or OperationCanceledException) { /* it expires on its own */ }
        }
    }

    private async Task<IReadOnlyList<XenPoolSyncResult>> RunLeasedAsync(CancellationToken ct)
    {
        var plan = await PlanAsync(_token, ct).ConfigureAwait(false);
        var results = plan.ToDictionary(p => p.Domain.Name, p => new XenPoolSyncResult
        {
            Pool = _pool.Name, Domain = p.Domain.Name, Host = p.Domain.Host!, Desired = p.Decision.Desired, Before = p.Decision.Before,
            Action = p.Decision.Action, Reason = p.Decision.Reason, At = _options.At,
        }, StringComparer.Ordinal);

        // 1. What must stop: saves (then the stop), shutdowns, destroys.
        await Task.WhenAll(plan.Where(p => p.Decision.Action is SyncAction.Saved or SyncAction.ShutDown or SyncAction.Destroyed)
            .Select(p => Timed(results[p.Domain.Name], () => StopAsync(p, results[p.Domain.Name], ct)))).ConfigureAwait(false);
        // 2. Restores, before starts, so a started domain finds what it depends on.
        await Task.WhenAll(plan.Where(p => p.Decision.Action == SyncAction.Restored)
            .Select(p => Timed(results[p.Domain.Name], () => RestoreAsync(p, results[p.Domain.Name], ct)))).ConfigureAwait(false);
        // 3. Restart budgets are journaled before the restarts they pay for; spent ones are marked so.
        await Task.WhenAll(plan.Where(p => p.Decision.RestartCount is not null && p.Snapshot is not null)
            .Select(p => MarkRestartAsync(p, results[p.Domain.Name], ct))).ConfigureAwait(false);
        // 4. Starts and restarts through the Start-XenPool engine, dependencies respected.
        var starts = plan.Where(p => p.Decision.Action is SyncAction.Started or SyncAction.Restarted && results[p.Domain.Name].Error is null)
            .Select(p => p.Domain.Name).ToHashSet(StringComparer.Ordinal);
        if (starts.Count > 0) await StartAsync(starts, results, ct).ConfigureAwait(false);
        return _pool.Domains.Select(d => results[d.Name]).ToArray();
    }

    private static async Task Timed(XenPoolSyncResult result, Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action().ConfigureAwait(false);
        result.Duration += watch.Elapsed;
    }

    private async Task StopAsync(Planned p, XenPoolSyncResult result, CancellationToken ct)
    {
        var host = _hosts[p.Domain.Host!];
        var operations = new DomainOperations(host, _token);
        try
        {
            if (p.Decision.Action == SyncAction.Saved) await SaveAsync(p, host, operations, result, ct).ConfigureAwait(false);
            var stop = await operations.StopAsync(p.Domain.Name, force: p.Decision.Action != SyncAction.ShutDown, TimeSpan.FromMinutes(2), ct, onlyOurs: true).ConfigureAwait(false);
            if (stop.Error is not null) throw stop.Error;
            _events.StateChanged(_pool.Name, p.Domain.Name, host.Name, result.Action.ToString(), result.Reason);
        }
        catch (XenHostException ex)
        {
            Failed(result, ex, p.Decision.Action == SyncAction.Saved
                ? "the save failed, so it keeps running; the next pass tries again" : "it could not be stopped; the next pass tries again");
        }
    }

    /// <summary>Paused first, so nothing it does after the checkpoint is lost; unpaused again when the save fails.</summary>
    private async Task SaveAsync(Planned p, HostConnection host, DomainOperations operations, XenPoolSyncResult result, CancellationToken ct)
    {
        var store = _options.SavedImages ?? throw new XenHostException(XenErrorIds.ImageSaveFailed, XenErrorCategory.InvalidArgument, host.Name,
            $"{p.Domain.Name} should be saved outside its window, and no repository for saved images was given: set \"images\": {{ \"saved\": \"...\" }} in the pool file, or pass -Repository.");
        var pausedHere = p.Seen.State == ObservedState.Running;
        if (pausedHere && (await operations.PauseAsync(p.Domain.Name, true, ct).ConfigureAwait(false)).Error is { } pauseError) throw pauseError;
        XenImage image;
        try
        {
            image = await ImageSaver.SaveAsync(host, p.Domain.Name, store, new ImageSaveOptions
            {
                Checkpoint = true,
                ImageName = ImageSaver.DefaultName(p.Domain.Name, _options.At),
                LeaseToken = _token,
            }, null, ct).ConfigureAwait(false);
        }
        catch (XenHostException)
        {
            if (pausedHere) await operations.PauseAsync(p.Domain.Name, false, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        result.Image = image.Name;
        // The image is complete and its checksums verified: only now may the domain stop.
        await new HostJournal(host) { LeaseToken = _token }.AppendAsync(DomainMarks.Saved(p.Domain.Name, _pool.Name, image.Name, store.Directory, _options.At), ct).ConfigureAwait(false);
    }

    private async Task RestoreAsync(Planned p, XenPoolSyncResult result, CancellationToken ct)
    {
        var host = _hosts[p.Domain.Host!];
        var mark = p.Seen.Saved!;
        try
        {
            var store = _options.SavedImages is { } given && given.Directory == mark.Repository ? given : ImageStore.Local(mark.Repository);
            var image = await store.GetAsync(mark.Image, ct).ConfigureAwait(false);
            result.Image = image.Name;
            await ImageRestorer.RestoreAsync(host, image, paused: false, null, ct, leaseToken: _token).ConfigureAwait(false);
            await new HostJournal(host) { LeaseToken = _token }.AppendAsync(DomainMarks.Restored(p.Domain.Name, _pool.Name), ct).ConfigureAwait(false);
            _events.StateChanged(_pool.Name, p.Domain.Name, host.Name, "Restored", image.Name);
        }
        catch (XenHostException ex)
        {
            Failed(result, ex, "it stays saved; the next pass tries again");
        }
    }

    private async Task MarkRestartAsync(Planned p, XenPoolSyncResult result, CancellationToken ct)
    {
        var exhausted = p.Decision.Action == SyncAction.GaveUp;
        try
        {
            await p.Snapshot!.JournalWriter.AppendAsync(
                DomainMarks.Restarted(p.Domain.Name, _pool.Name, p.Decision.RestartCount!.Value, exhausted ? p.Seen.Restarts.Last : _options.At, exhausted), ct).ConfigureAwait(false);
        }
        catch (XenHostException ex)
        {
            Failed(result, ex, "its restart budget could not be journaled, so it is not restarted; the next pass tries again");
        }
    }

    private async Task StartAsync(IReadOnlySet<string> names, IReadOnlyDictionary<string, XenPoolSyncResult> results, CancellationToken ct)
    {
        var s = _options.Start;
        var options = new PoolStartOptions
        {
            ThrottleLimit = s.ThrottleLimit, FailFast = false, RetryCount = s.RetryCount, RetryDelay = s.RetryDelay,
            StepTimeout = s.StepTimeout, Images = s.Images, CheckSshBanner = s.CheckSshBanner, Only = names, LeaseToken = _token,
        };
        var started = await new PoolStarter(_pool, _hosts, options, _events).RunAsync(ct).ConfigureAwait(false);
        foreach (var r in started.Where(r => names.Contains(r.Domain)))
        {
            var result = results[r.Domain];
            result.Duration += r.Duration;
            switch (r.Status)
            {
                case DomainStartStatus.Failed:
                    Failed(result, r.Error ?? new XenHostException(XenErrorIds.DomainStartFailed, XenErrorCategory.InvalidOperation, r.Host, r.Reason ?? "failed"),
                        $"the {r.Step ?? "start"} failed; the next pass tries again");
                    break;
                case DomainStartStatus.Skipped:
                    result.Action = SyncAction.Skipped;
                    result.Reason = $"{result.Reason}; not started: {r.Reason}";
                    break;
            }
        }
    }

    private static void Failed(XenPoolSyncResult result, XenHostException error, string consequence)
    {
        result.Error = error;
        result.Reason = $"{result.Reason}; {error.Message} ({consequence})";
        result.Action = SyncAction.None;
    }
}
