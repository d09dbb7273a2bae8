using System.Diagnostics;
using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Liveness;
using SmartDomains.Model;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;

namespace SmartDomains.Lifecycle;

/// <summary>
/// Takes a planned pool to running, alive domains. A domain starts as soon as everything it depends on is alive; hosts and
/// domains proceed in parallel up to the throttle, which admits the least busy host's domains first. Every resource is
/// journaled before it is made, so a rerun keeps what is healthy, cleans what is half-made and starts what is missing.
/// </summary>
public sealed class PoolStarter
{
    private readonly XenPool _pool;
    private readonly IReadOnlyDictionary<string, HostConnection> _hosts;
    private readonly PoolStartOptions _options;
    private readonly IPoolEvents _events;
    private readonly Dictionary<string, HostSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Exception> _unreachable = new(StringComparer.OrdinalIgnoreCase);

    public PoolStarter(XenPool pool, IReadOnlyDictionary<string, HostConnection> hosts, PoolStartOptions options, IPoolEvents? events = null)
    {
        _pool = pool;
        _hosts = hosts;
        _options = options;
        _events = events ?? NoPoolEvents.Instance;
    }

    /// <summary>One thing a start would do, in plain words for -WhatIf, with the exact host commands for -WhatIf -Verbose.</summary>
    public sealed record PlannedStep(string Target, string Action, IReadOnlyList<string> Commands);

    /// <summary>
    /// What a start would do for one domain (for -WhatIf), storage first, decided as the run decides: from the host's
    /// domains and journal in <paramref name="snapshot"/>, or as for a fresh host when it is null.
    /// </summary>
    public IReadOnlyList<PlannedStep> Describe(PoolDomain domain, HostSnapshot? snapshot = null)
    {
        var host = _hosts[domain.Host!];
        var on = $"{domain.Name} on {host.Name}";
        var steps = new List<PlannedStep>();
        if (snapshot?.Running(domain.Name) is { } running)
        {
            var made = snapshot.Journal.Find(ResourceKinds.Domain, domain.Name);
            if (made is not { Removed: false } || !DomainIdentity.IsTheOneMade(made, running.Uuid))
                return new[] { new PlannedStep(on, "Leave it alone: a domain of this name runs and SmartDomains did not create it (XenDomainConflict)", Array.Empty<string>()) };
            if (running.State is not (DomainState.Crashed or DomainState.Shutdown))
                return new[] { new PlannedStep(on, $"Leave it running (domid {running.DomId}) and check that it is alive", Array.Empty<string>()) };
            steps.Add(new PlannedStep(on, "Destroy it: it crashed, and it is made again", new[] { RemoteCommand.Xl("destroy", domain.Name).CommandLine }));
        }
        var storage = new HostStorage(host, new HostJournal(host) { LeaseToken = _options.LeaseToken }, _options.Images);
        foreach (var item in _pool.Storage.Where(s => s.Domain == domain.Name))
            steps.Add(new PlannedStep($"{item.Path} on {host.Name}", StorageAction(item), storage.DescribePrepare(item, _pool.Name)));
        var path = _pool.ConfigPath(domain);
        var ours = snapshot?.Journal.Find(ResourceKinds.Config, path) is { Removed: false, EverMade: true };
        // The uuid is made at start; any uuid renders a config of the same size.
        var write = ConfigFileCommands.Write(path, _pool.RenderConfig(domain, Guid.Empty), ours);
        steps.Add(new PlannedStep($"{path} on {host.Name}",
            $"{(ours ? "Rewrite" : "Write")} the xl.cfg of {domain.Name} ({System.Text.Encoding.UTF8.GetByteCount(write.StandardInput!)} bytes)", new[] { write.Display }));
        steps.Add(new PlannedStep(on, "Boot it with xl create, then check that it is alive", new[] { RemoteCommand.Xl("create", "-q", path).CommandLine }));
        return steps;
    }

    private static string StorageAction(StorageItem item)
    {
        var size = item.SizeBytes >= 1L << 30 && item.SizeBytes % (1L << 30) == 0 ? $"{item.SizeBytes >> 30} GiB" : $"{item.SizeMiB} MiB";
        var fs = item.Filesystem is null ? "" : $", with an {item.Filesystem} file system";
        return item.Kind == StorageKind.LogicalVolume
            ? item.From is null ? $"Create the LVM volume ({size}) in {item.VolumeGroup}{fs}" : $"Create an LVM snapshot of {item.From} ({size})"
            : item.From is null ? $"Create an empty {item.Format} disk ({size}){fs}" : $"Create a {item.Format} clone of {item.From} ({size})";
    }

    public async Task<IReadOnlyList<DomainStartResult>> RunAsync(CancellationToken cancellationToken)
    {
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashed = Task.Run(HashBaseImages, CancellationToken.None);
        await ReadHostsAsync(failFast.Token).ConfigureAwait(false);
        await hashed.ConfigureAwait(false);

        var alive = _pool.Domains.ToDictionary(d => d.Name, _ => new TaskCompletionSource<DomainStartResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var throttle = new HostFairThrottle(_options.ThrottleLimit);
        var runs = _pool.Domains.Select(domain => Task.Run(async () =>
        {
            var result = _options.Only is { } only && !only.Contains(domain.Name)
                ? LeftAsItIs(domain)
                : await StartWhenReadyAsync(domain, alive, throttle, failFast).ConfigureAwait(false);
            alive[domain.Name].TrySetResult(result);
            if (result.Status == DomainStartStatus.Failed && _options.FailFast) failFast.Cancel();
            return result;
        }, CancellationToken.None)).ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }

    /// <summary>
    /// Resolves (and so hashes, once) the base images the pool clones while the hosts are read: otherwise the first storage
    /// step of every host waits for it. A base that does not resolve is left for that step to report.
    /// </summary>
    private void HashBaseImages()
    {
        if (_options.Images is not { } images) return;
        foreach (var from in _pool.Storage.Select(StorageTargets.FromOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try { images.Resolve(from); }
            catch (Exception e) when (e is XenHostException or IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Reads every host's domains and journal, and records the pool on each host it uses.</summary>
    private async Task ReadHostsAsync(CancellationToken cancellationToken)
    {
        var hostNames = _pool.Domains.Where(d => _options.Only?.Contains(d.Name) ?? true).Select(d => d.Host!).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        await Task.WhenAll(hostNames.Select(async name =>
        {
            try
            {
                // The host's disk files and their directories are looked at in the same round trip, for the first storage step.
                var here = _pool.Domains.Where(d => string.Equals(d.Host, name, StringComparison.OrdinalIgnoreCase)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
                var files = _pool.Storage.Where(s => s.Kind != StorageKind.LogicalVolume && here.Contains(s.Domain))
                    .SelectMany(s => new[] { s.Path, StorageTargets.ParentOf(s.Path) }).Distinct(StringComparer.Ordinal).ToArray();
                var snapshot = await WithRetry(() => Step(name, t => HostSnapshot.ReadAsync(_hosts[name], new HostJournal(_hosts[name]) { LeaseToken = _options.LeaseToken }, t, files), cancellationToken), cancellationToken).ConfigureAwait(false);
                var record = PoolRecord.ForHost(_pool, name);
                await snapshot.JournalWriter.AppendAsync(record.ToJournal(JournalOp.Done), cancellationToken).ConfigureAwait(false);
                lock (_snapshots) _snapshots[name] = snapshot;
            }
            catch (Exception ex) when (ex is XenHostException)
            {
                lock (_snapshots) _unreachable[name] = ex;
            }
        })).ConfigureAwait(false);
    }

    /// <summary>A domain outside PoolStartOptions.Only: reported as the snapshot found it, so the ones that depend on it can tell.</summary>
    private DomainStartResult LeftAsItIs(PoolDomain domain)
    {
        var result = new DomainStartResult { Pool = _pool.Name, Domain = domain.Name, Host = domain.Host!, Step = "not selected" };
        var running = _snapshots.GetValueOrDefault(domain.Host!)?.Running(domain.Name);
        if (running is { State: DomainState.Running or DomainState.Blocked or DomainState.Paused })
        {
            result.Status = DomainStartStatus.AlreadyRunning;
            result.DomId = running.DomId;
            return result;
        }
        result.Status = DomainStartStatus.Skipped;
        result.Reason = "it does not run, and this run does not start it";
        return result;
    }

    private async Task<DomainStartResult> StartWhenReadyAsync(PoolDomain domain,
        IReadOnlyDictionary<string, TaskCompletionSource<DomainStartResult>> alive, HostFairThrottle throttle, CancellationTokenSource failFast)
    {
        var result = new DomainStartResult { Pool = _pool.Name, Domain = domain.Name, Host = domain.Host! };
        var watch = Stopwatch.StartNew();
        foreach (var dependency in domain.DependsOn)
        {
            if (!alive.ContainsKey(dependency))
                return Skip(result, $"it depends on {dependency}, which is not in this pool object (it was read from only some of the pool's hosts)");
            var dep = await alive[dependency].Task.ConfigureAwait(false);
            if (!dep.Alive) return Skip(result, $"it depends on {dependency}, which {(dep.Status == DomainStartStatus.Skipped ? "was skipped" : "failed")}: {dep.Reason}");
        }
        if (failFast.IsCancellationRequested) return Skip(result, "-FailFast stopped the run after an earlier failure");
        if (_unreachable.TryGetValue(domain.Host!, out var down)) return Fail(result, "connect", down as XenHostException);

        IDisposable slot;
        try
        {
            slot = await throttle.EnterAsync(domain.Host!, failFast.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { return Skip(result, "-FailFast stopped the run after an earlier failure"); }
        try
        {
            await MakeAsync(domain, result, failFast.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (failFast.IsCancellationRequested)
        {
            return Skip(result, "-FailFast or Ctrl-C stopped the run");
        }
        catch (XenHostException ex)
        {
            Fail(result, result.Step ?? "start", ex);
        }
        finally
        {
            slot.Dispose();
        }
        if (result.Status != DomainStartStatus.Failed)
        {
            try { await CheckAliveAsync(domain, result, failFast.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (failFast.IsCancellationRequested)
            {
                Skip(result, "it was created, but -FailFast or Ctrl-C stopped the run before it was confirmed alive");
            }
        }
        result.Duration = watch.Elapsed;
        return result;
    }

    /// <summary>Storage, config and xl create, each journaled; or nothing when the domain already runs and is ours.</summary>
    private async Task MakeAsync(PoolDomain domain, DomainStartResult result, CancellationToken ct)
    {
        var snapshot = _snapshots[domain.Host!];
        var host = snapshot.Connection;
        var running = snapshot.Running(domain.Name);
        if (running is not null)
        {
            var made = snapshot.Journal.Find(ResourceKinds.Domain, domain.Name);
            if (made is not { Removed: false })
                throw Conflict(host.Name, domain.Name, $"A domain named {domain.Name} already runs on {host.Name} and SmartDomains did not create it; it is left alone.");
            if (!DomainIdentity.IsTheOneMade(made, running.Uuid))
                throw Conflict(host.Name, domain.Name, DomainIdentity.NotOursMessage(domain.Name, host.Name, made, running.Uuid));
            if (running.State is not (DomainState.Crashed or DomainState.Shutdown))
            {
                result.Status = DomainStartStatus.AlreadyRunning;
                result.DomId = running.DomId;
                _events.StateChanged(_pool.Name, domain.Name, host.Name, "AlreadyRunning", $"domid {running.DomId}");
                return;
            }
            // A crashed (or shut down and preserved) domain of ours is torn down and made again.
            result.Step = "destroy-crashed";
            await RunJournaledAsync(snapshot, domain, ResourceKinds.Domain, domain.Name, JournalOp.Undo, JournalOp.Undone,
                RemoteCommand.Xl("destroy", domain.Name), ct).ConfigureAwait(false);
        }

        result.Step = "storage";
        _events.StateChanged(_pool.Name, domain.Name, host.Name, "PreparingStorage", null);
        var storage = new HostStorage(host, snapshot.JournalWriter, _options.Images);
        foreach (var item in _pool.Storage.Where(s => s.Domain == domain.Name))
        {
            var kind = item.Kind == StorageKind.LogicalVolume ? ResourceKinds.Volume : ResourceKinds.Image;
            // What the snapshot saw holds for a first attempt on an untouched item only.
            KnownPaths? known = new(snapshot.Journal, snapshot.Paths);
            if (snapshot.Journal.Find(kind, item.Path) is { HalfMade: true })
            {
                known = null;
                await WithRetry(() => Step(host.Name, async t => { await storage.RemoveAsync(kind, item.Path, t).ConfigureAwait(false); return 0; }, ct), ct).ConfigureAwait(false);
            }
            var made = await WithRetry(() =>
            {
                var once = known;
                known = null;
                return Step(host.Name, t => storage.PrepareAsync(item, _pool.Name, t, once), ct);
            }, ct).ConfigureAwait(false);
            result.Storage.Add(made);
            // The config must name the format that is on the host (a raw copy when the host has no qemu-img).
            foreach (var disk in domain.Disks.Where(d => d.Target == item.Path)) disk.Format = made.Format;
        }

        // The config and the create go in one round trip, each journaled as its own step.
        result.Step = "config";
        var path = _pool.ConfigPath(domain);
        var uuid = Guid.NewGuid();
        // Only a file the module once finished writing is its own: a refused first write (a file was there) proves nothing.
        var ours = snapshot.Journal.Find(ResourceKinds.Config, path) is { Removed: false, EverMade: true };
        _events.StateChanged(_pool.Name, domain.Name, host.Name, "Creating", path);
        var chain = await WithRetry(() => Step(host.Name, t => JournaledChain.RunAsync(snapshot.JournalWriter, new[]
        {
            new JournaledChain.Link(Journaled(domain, ResourceKinds.Config, path), JournalOp.Begin, JournalOp.Done,
                ConfigFileCommands.Write(path, _pool.RenderConfig(domain, uuid), ours)),
            new JournaledChain.Link(Journaled(domain, ResourceKinds.Domain, domain.Name, DomainIdentity.Data(uuid)), JournalOp.Begin, JournalOp.Done,
                RemoteCommand.Xl("create", "-q", path), FailedIsUndone: true),
        }, line => host.RunAsync(line, t)), ct), ct).ConfigureAwait(false);
        if (chain.Failure is { } failure)
        {
            if (chain.Done.Count > 0) result.Step = "create";
            throw failure;
        }
        result.Status = DomainStartStatus.Started;
        // The domid comes from the liveness check's xl list, which runs next anyway: no round trip of its own.
    }

    private JournaledStep Journaled(PoolDomain domain, string kind, string resource, JObject? data = null) =>
        new() { Kind = kind, Resource = resource, Pool = _pool.Name, Domain = domain.Name, Data = data };

    private Task<CommandResult> RunJournaledAsync(HostSnapshot snapshot, PoolDomain domain, string kind, string resource,
        JournalOp before, JournalOp after, RemoteCommand command, CancellationToken ct) =>
        Journaled(domain, kind, resource).RunAsync(snapshot.JournalWriter, before, after, command,
            line => WithRetry(() => Step(snapshot.Connection.Name, t => snapshot.Connection.RunAsync(line, t), ct), ct));

    private async Task CheckAliveAsync(PoolDomain domain, DomainStartResult result, CancellationToken ct)
    {
        var host = _hosts[domain.Host!];
        var probe = domain.Liveness;
        var address = domain.Network.Select(n => n.Ip).FirstOrDefault(ip => ip is not null);
        result.Step = "liveness";
        _events.StateChanged(_pool.Name, domain.Name, host.Name, "CheckingLiveness", address is null ? "xl state" : $"{address}:{probe.Port}");
        var check = new LivenessCheck
        {
            Domain = domain.Name,
            Address = address,
            Port = probe.Port,
            CheckBanner = _options.CheckSshBanner && probe.Port == 22,
        };
        try
        {
            // Without a guest address (or with the probe off) only xl's state can say it is alive.
            var live = address is null || !probe.Enabled
                ? await LivenessChecker.CheckOnceAsync(host, check, ct).ConfigureAwait(false)
                : await LivenessChecker.WaitAsync(host, check, probe.Timeout, probe.Interval, ct).ConfigureAwait(false);
            result.Liveness = live;
            result.DomId ??= live.DomId;
            var aliveByState = (address is null || !probe.Enabled) && live.State is DomainState.Running or DomainState.Blocked;
            if (live.Alive || aliveByState)
            {
                result.AliveAt = DateTimeOffset.UtcNow;
                result.Step = null;
                _events.StateChanged(_pool.Name, domain.Name, host.Name, "Alive", live.Message);
                return;
            }
            Fail(result, "liveness", new XenHostException(XenErrorIds.DomainNotAlive, XenErrorCategory.OperationTimeout, host.Name,
                $"{domain.Name} on {host.Name} is not alive: {live.Message}"));
        }
        catch (XenHostException ex)
        {
            Fail(result, "liveness", ex);
        }
    }

    private static XenHostException Conflict(string host, string domain, string message) =>
        new(XenErrorIds.DomainConflict, XenErrorCategory.ResourceExists, host, message)
        { RecommendedAction = $"Rename {domain} in the pool file, or stop the existing domain yourself." };

    private Task<T> Step<T>(string host, Func<CancellationToken, Task<T>> step, CancellationToken ct) =>
        HostStep.RunAsync(host, _options.StepTimeout, step, ct);

    private Task<T> WithRetry<T>(Func<Task<T>> step, CancellationToken ct) =>
        HostStep.RetryAsync(_options.RetryCount, _options.RetryDelay, step, ct);

    private Task WithRetry(Func<Task> step, CancellationToken ct) =>
        WithRetry(async () => { await step().ConfigureAwait(false); return 0; }, ct);

    private DomainStartResult Skip(DomainStartResult result, string reason)
    {
        result.Status = DomainStartStatus.Skipped;
        result.Reason = reason;
        _events.StateChanged(_pool.Name, result.Domain, result.Host, "Skipped", reason);
        return result;
    }

    private DomainStartResult Fail(DomainStartResult result, string step, XenHostException? error)
    {
        result.Status = DomainStartStatus.Failed;
        result.Step = step;
        result.Error = error;
        result.Reason = error?.Message ?? "failed";
        _events.StateChanged(_pool.Name, result.Domain, result.Host, "Failed", result.Reason);
        return result;
    }
}
