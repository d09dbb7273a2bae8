using System.Management.Automation;
using SmartDomains.Lifecycle;
using SmartDomains.Sync;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>One reconciling pass: starts, restores, saves and stops, restarts within budget, as each domain's schedule says.</summary>
[Cmdlet(VerbsData.Sync, "XenPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Pool")]
[OutputType(typeof(XenPoolSyncResult))]
public sealed class SyncXenPoolCommand : XenPoolSyncCmdlet
{
    [Parameter]
    [ValidateRange(1, 4096)]
    public int ThrottleLimit { get; set; } = PoolStartOptions.DefaultThrottleLimit;

    /// <summary>Run as a PowerShell job: returns the job at once; Receive-Job gives what the cmdlet gives.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (CollectedForJob()) return;
        if (ResolvePool() is not { } pool) return;
        var hosts = PoolHosts(pool);
        var options = Options(pool, ThrottleLimit);
        var sync = new PoolSync(pool, hosts, options);
        if (WhatIfRequested)
        {
            var plan = RunPumped(hosts.Values.ToArray(), _ => sync.PlanAsync(Cancellation));
            foreach (var p in plan.Where(p => p.Decision.Action is not (SyncAction.None or SyncAction.Held or SyncAction.Skipped or SyncAction.GaveUp)))
                ShouldProcess($"{p.Domain.Name} on {p.Domain.Host}", $"{p.Decision.Action}: {p.Decision.Reason}");
            return;
        }
        if (!ShouldChange(pool.Name, $"Sync {pool.DomainCount} domains of {pool.Name} to their schedules at {options.At:yyyy-MM-dd HH:mm zzz}", false)) return;
        var results = RunPumped(hosts.Values.ToArray(), _ => sync.RunAsync(Cancellation));
        foreach (var r in results)
        {
            WriteObject(r);
            if (r.Error is not null) WriteError(ToErrorRecord(r.Error, r));
            else if (r.Action == SyncAction.GaveUp) WriteWarning($"{r.Domain} on {r.Host}: {r.Reason}");
        }
        var acted = results.Where(r => r.Action is not (SyncAction.None or SyncAction.Held or SyncAction.Skipped)).ToArray();
        WriteInformation(acted.Length == 0
            ? $"Pool {pool.Name} at {options.At:yyyy-MM-dd HH:mm zzz}: nothing to do for {results.Count} domains."
            : $"Pool {pool.Name} at {options.At:yyyy-MM-dd HH:mm zzz}: " + string.Join(", ", acted.GroupBy(r => r.Action).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")) +
              $"; {results.Count(r => r.Error is not null)} failed.", new[] { "SmartDomains", "Summary" });
    }
}
