using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Xl;

namespace SmartDomains.Lifecycle;

/// <summary>
/// Single-domain actions on one host. Actions on a domain the module made keep the journal true; configs and storage are
/// only ever removed when the journal lists them as the module's.
/// </summary>
public sealed class DomainOperations
{
    private readonly HostConnection _host;
    private readonly HostJournal _journal;

    /// <param name="leaseToken">The token of a lease the caller holds over the domain (Sync-XenPool's pool lease), so its lines pass.</param>
    /// <summary>How long an action waits for another's lease over its domain before it fails XenHostBusy.</summary>
    public TimeSpan BusyTimeout { get; init; } = HostLease.DefaultBusyTimeout;

    public DomainOperations(HostConnection host, string? leaseToken = null)
    {
        _host = host;
        _journal = new HostJournal(host) { LeaseToken = leaseToken };
    }

    public static class Commands
    {
        public static RemoteCommand Create(string configPath) => RemoteCommand.Xl("create", "-q", configPath);
        /// <summary>Graceful shutdown, given up after the timeout (coreutils timeout exits 124).</summary>
        public static RemoteCommand Shutdown(string domain, TimeSpan timeout) =>
            RemoteCommand.Of("timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(), "xl", "shutdown", "-w", domain);
        public static RemoteCommand Destroy(string domain) => RemoteCommand.Xl("destroy", domain);
        public static RemoteCommand Reboot(string domain) => RemoteCommand.Xl("reboot", domain);
        public static RemoteCommand Pause(string domain) => RemoteCommand.Xl("pause", domain);
        public static RemoteCommand Unpause(string domain) => RemoteCommand.Xl("unpause", domain);
    }

    /// <summary>The commands an action would run, for -WhatIf.</summary>
    public static IReadOnlyList<string> Describe(string action, string domain, string? configPath, TimeSpan timeout, bool force) => action switch
    {
        "Start" => new[] { Commands.Create(configPath ?? "<journaled config>").CommandLine },
        "Stop" => new[] { (force ? Commands.Destroy(domain) : Commands.Shutdown(domain, timeout)).CommandLine },
        "Restart" => force ? new[] { Commands.Destroy(domain).CommandLine, Commands.Create(configPath ?? "<journaled config>").CommandLine } : new[] { Commands.Reboot(domain).CommandLine },
        "Suspend" => new[] { Commands.Pause(domain).CommandLine },
        "Resume" => new[] { Commands.Unpause(domain).CommandLine },
        _ => Array.Empty<string>(),
    };

    public async Task<JournalState> JournalAsync(CancellationToken ct) => await _journal.ReadStateAsync(ct).ConfigureAwait(false);

    /// <summary>The config the module wrote for a domain, if the journal has one.</summary>
    public static string? ConfigPathOf(JournalState journal, string domain) =>
        journal.Resources.LastOrDefault(r => r.Kind == ResourceKinds.Config && r.Domain == domain && r.Exists)?.Resource;

    public async Task<DomainActionResult> StartAsync(string domain, CancellationToken ct)
    {
        return await Act("Start", domain, async (result, journal, running) =>
        {
            var ended = running is { State: DomainState.Crashed or DomainState.Shutdown };
            // An operator's start lifts a hold and gives the restart budget back, even when the domain already runs.
            var lifted = await LiftMarksAsync(journal, domain, ct).ConfigureAwait(false);
            if (running is not null && !ended) return Nothing(result, $"already running (domid {running.DomId}){lifted}");
            var config = ConfigPathOf(journal, domain) ?? throw new XenHostException(XenErrorIds.DomainNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"SmartDomains has no config for {domain} on {_host.Name}; start it with Start-XenPool, or with xl create yourself.");
            // What is left of a crashed or shut-down domain holds its name: it goes first.
            if (ended) await RunJournaled(journal, domain, JournalOp.Undo, JournalOp.Undone, Commands.Destroy(domain), ct, allowFailure: true).ConfigureAwait(false);
            await RunJournaled(journal, domain, JournalOp.Begin, JournalOp.Done, Commands.Create(config), ct, failedIsUndone: true).ConfigureAwait(false);
            return Done(result, $"created from {config}{lifted}");
        }, ct).ConfigureAwait(false);
    }

    /// <param name="onlyOurs">Leave a domain alone unless the journal says the module created it (pool-wide stops).</param>
    /// <param name="hold">An operator's stop: journal a hold, so Sync-XenPool leaves the domain stopped until Start-XenDomain.</param>
    public async Task<DomainActionResult> StopAsync(string domain, bool force, TimeSpan timeout, CancellationToken ct, bool onlyOurs = false, bool hold = false)
    {
        return await Act("Stop", domain, async (result, journal, running) =>
        {
            if (running is null) return Nothing(result, "not running");
            var made = journal.Find(ResourceKinds.Domain, domain);
            var ours = made is { Removed: false } && DomainIdentity.IsTheOneMade(made, running.Uuid);
            if (onlyOurs && !ours)
                return Nothing(result, made is { Removed: false } ? DomainIdentity.NotOursMessage(domain, _host.Name, made, running.Uuid) : "not created by SmartDomains: left alone");
            var command = force ? Commands.Destroy(domain) : Commands.Shutdown(domain, timeout);
            // Only the module's own domains are journaled; an operator may still stop any domain by name.
            var outcome = ours
                ? await RunJournaled(journal, domain, JournalOp.Undo, JournalOp.Undone, command, ct, allowFailure: true).ConfigureAwait(false)
                : await _host.RunAsync(command, ct).ConfigureAwait(false);
            if (outcome.ExitCode == 124)
                throw new XenHostException(XenErrorIds.DomainStopTimeout, XenErrorCategory.OperationTimeout, _host.Name,
                    $"{domain} on {_host.Name} did not shut down within {timeout.TotalSeconds:0} s.")
                { RecommendedAction = "Run Stop-XenDomain -Force to destroy it." };
            if (!outcome.Succeeded) throw XlFailure.ForCommand(outcome, command);
            if (ours && hold)
            {
                await _journal.AppendAsync(DomainMarks.Held(domain, made!.Pool, "operator", DateTimeOffset.UtcNow), ct).ConfigureAwait(false);
                return Done(result, (force ? "destroyed" : "shut down") + "; held: Sync-XenPool leaves it stopped until Start-XenDomain");
            }
            return Done(result, force ? "destroyed" : "shut down");
        }, ct).ConfigureAwait(false);
    }

    public async Task<DomainActionResult> RestartAsync(string domain, bool force, CancellationToken ct)
    {
        return await Act("Restart", domain, async (result, journal, running) =>
        {
            if (!force)
            {
                if (running is null) throw NotRunning(domain);
                await RunXl(Commands.Reboot(domain), ct).ConfigureAwait(false);
                return Done(result, "rebooted");
            }
            var config = ConfigPathOf(journal, domain) ?? throw new XenHostException(XenErrorIds.DomainNotFound, XenErrorCategory.ObjectNotFound, _host.Name,
                $"-Force restarts from the config SmartDomains wrote, and there is none for {domain} on {_host.Name}.");
            if (running is not null)
                await RunJournaled(journal, domain, JournalOp.Undo, JournalOp.Undone, Commands.Destroy(domain), ct).ConfigureAwait(false);
            await RunJournaled(journal, domain, JournalOp.Begin, JournalOp.Done, Commands.Create(config), ct, failedIsUndone: true).ConfigureAwait(false);
            return Done(result, $"destroyed and created again from {config}");
        }, ct).ConfigureAwait(false);
    }

    public Task<DomainActionResult> PauseAsync(string domain, bool pause, CancellationToken ct) =>
        Act(pause ? "Suspend" : "Resume", domain, async (result, _, running) =>
        {
            if (running is null) throw NotRunning(domain);
            if (pause == (running.State == DomainState.Paused)) return Nothing(result, pause ? "already paused" : "not paused");
            await RunXl(pause ? Commands.Pause(domain) : Commands.Unpause(domain), ct).ConfigureAwait(false);
            return Done(result, pause ? "paused" : "unpaused");
        }, ct);

    /// <summary>Stops the domain, then removes the storage and config the journal lists as the module's for it.</summary>
    public async Task<DomainActionResult> RemoveAsync(string domain, bool force, TimeSpan timeout, CancellationToken ct)
    {
        var stop = await StopAsync(domain, force, timeout, ct).ConfigureAwait(false);
        if (stop.Status == DomainActionStatus.Failed) return Relabel(stop, "Remove");
        return await Act("Remove", domain, async (result, journal, running) =>
        {
            if (running is not null) throw new XenHostException(XenErrorIds.DomainStillRunning, XenErrorCategory.InvalidOperation, _host.Name,
                $"{domain} still runs on {_host.Name}; its storage is kept.");
            var storage = new HostStorage(_host, _journal, repository: null);
            foreach (var r in journal.Live.Where(r => r.Domain == domain && r.Kind is ResourceKinds.Image or ResourceKinds.Volume).Reverse())
            {
                await storage.RemoveAsync(r.Kind, r.Resource, ct).ConfigureAwait(false);
                result.Removed.Add(r.Resource);
            }
            foreach (var r in journal.Live.Where(r => r.Domain == domain && r.Kind == ResourceKinds.Config))
            {
                await RunJournaled(journal, domain, JournalOp.Undo, JournalOp.Undone, ConfigFileCommands.Remove(r.Resource), ct, kind: ResourceKinds.Config, resource: r.Resource).ConfigureAwait(false);
                result.Removed.Add(r.Resource);
            }
            return result.Removed.Count == 0 ? Nothing(result, "nothing of it was recorded") : Done(result, $"removed {result.Removed.Count} resources");
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Lifts a hold and resets the restart budget, if the journal has them; says so for the result's message.</summary>
    private async Task<string> LiftMarksAsync(JournalState journal, string domain, CancellationToken ct)
    {
        var pool = journal.Find(ResourceKinds.Domain, domain)?.Pool;
        var said = "";
        if (DomainMarks.HoldOf(journal, domain) is not null)
        {
            await _journal.AppendAsync(DomainMarks.Lifted(domain, pool), ct).ConfigureAwait(false);
            said += "; its hold is lifted";
        }
        if (journal.Find(DomainMarks.Restarts, domain) is { Exists: true })
        {
            await _journal.AppendAsync(DomainMarks.RestartsReset(domain, pool), ct).ConfigureAwait(false);
            said += "; its restart budget is reset";
        }
        return said;
    }

    private async Task<DomainActionResult> Act(string action, string domain,
        Func<DomainActionResult, JournalState, XenDomain?, Task<DomainActionResult>> body, CancellationToken ct)
    {
        var result = new DomainActionResult { Action = action, Domain = domain, Host = _host.Name };
        var watch = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(250);
        try
        {
            while (true)
            {
                try
                {
                    var snapshot = await HostSnapshot.ReadAsync(_host, _journal, ct).ConfigureAwait(false);
                    result = await body(result, snapshot.Journal, snapshot.Running(domain)).ConfigureAwait(false);
                    break;
                }
                // Another's lease (a Sync pass, a removal) refused a journal line before anything was made: wait for it, read
                // the host again and decide again, up to the bound, so an operator and a scheduled pass do not refuse each other.
                catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostBusy && watch.Elapsed + pause <= BusyTimeout)
                {
                    await Task.Delay(pause, ct).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
        catch (XenHostException ex)
        {
            result.Status = DomainActionStatus.Failed;
            result.Error = ex;
            result.Message = ex.Message;
        }
        result.Duration = watch.Elapsed;
        return result;
    }

    // The lines carry the domain's pool, as the journal has it, so a lease on that pool covers them (LeaseScope.Covers).
    private Task<CommandResult> RunJournaled(JournalState journal, string domain, JournalOp before, JournalOp after, RemoteCommand command, CancellationToken ct,
        bool failedIsUndone = false, bool allowFailure = false, string kind = ResourceKinds.Domain, string? resource = null) =>
        new JournaledStep { Kind = kind, Resource = resource ?? domain, Domain = domain, Pool = journal.Find(ResourceKinds.Domain, domain)?.Pool }
            .RunAsync(_journal, before, after, command, line => _host.RunAsync(line, ct), failedIsUndone, allowFailure);

    private async Task RunXl(RemoteCommand command, CancellationToken ct)
    {
        var result = await _host.RunAsync(command, ct).ConfigureAwait(false);
        // xl pause/unpause exit 0 even when libxl fails, so stderr is read too.
        var error = XlErrorClassifier.Classify(command.Arguments, result.ExitCode, result.StdErr);
        if (!result.Succeeded || error is not null) throw XlFailure.From(result, command);
    }

    private XenHostException NotRunning(string domain) =>
        new(XenErrorIds.DomainNotFound, XenErrorCategory.ObjectNotFound, _host.Name, $"{domain} is not running on {_host.Name}.");

    private static DomainActionResult Done(DomainActionResult r, string message) { r.Status = DomainActionStatus.Done; r.Message = message; return r; }
    private static DomainActionResult Nothing(DomainActionResult r, string message) { r.Status = DomainActionStatus.NothingToDo; r.Message = message; return r; }

    private static DomainActionResult Relabel(DomainActionResult r, string action)
    {
        var copy = new DomainActionResult { Action = action, Domain = r.Domain, Host = r.Host, Pool = r.Pool, Status = r.Status, Message = r.Message, Error = r.Error, Duration = r.Duration };
        return copy;
    }
}
