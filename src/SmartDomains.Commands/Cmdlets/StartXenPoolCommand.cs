using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.State;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Takes a planned pool to running, verified-alive domains, in dependency order. Safe to run again.</summary>
[Cmdlet(VerbsLifecycle.Start, "XenPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DomainStartResult), typeof(XenPool))]
public sealed class StartXenPoolCommand : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    [Parameter]
    [ValidateRange(1, 4096)]
    public int ThrottleLimit { get; set; } = PoolStartOptions.DefaultThrottleLimit;

    [Parameter]
    public SwitchParameter FailFast { get; set; }

    [Parameter]
    [ValidateRange(0, 20)]
    public int RetryCount { get; set; } = 2;

    [Parameter]
    [ValidateRange(0, 600)]
    public double RetryDelaySeconds { get; set; } = 2;

    [Parameter]
    [ValidateRange(1, 86400)]
    public int StepTimeoutSeconds { get; set; } = 600;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRepository { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    [Parameter]
    public SwitchParameter SshBanner { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Run as a PowerShell job: returns the job at once; Receive-Job gives what the cmdlet gives.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (CollectedForJob()) return;
        var pool = Pool!;
        var connections = ResolveConnections(pool.Hosts.Select(h => new XenHostArgument(h)));
        if (connections.Count < pool.Hosts.Count) return;
        var byName = connections.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var options = new PoolStartOptions
        {
            ThrottleLimit = ThrottleLimit,
            FailFast = FailFast,
            RetryCount = RetryCount,
            RetryDelay = TimeSpan.FromSeconds(RetryDelaySeconds),
            StepTimeout = TimeSpan.FromSeconds(StepTimeoutSeconds),
            Images = HostSettings.Images(this, ImageRepository),
            CheckSshBanner = SshBanner,
        };

        if (WhatIfRequested)
        {
            // What a run would do depends on the hosts (running domains, what the journal says is ours): read them, change nothing.
            var snapshots = CollectFromHosts(connections, (c, _) => HostSnapshot.ReadAsync(c, Cancellation)).ToDictionary(r => r.Connection.Name, r => r.Result, StringComparer.OrdinalIgnoreCase);
            var describer = new PoolStarter(pool, byName, options);
            // One line per resource in plain words; the exact host commands are verbose output (-WhatIf -Verbose).
            foreach (var domain in pool.Domains.Where(d => snapshots.ContainsKey(d.Host!)))
                foreach (var step in describer.Describe(domain, snapshots[domain.Host!]))
                {
                    ShouldProcess(step.Target, step.Action);
                    foreach (var command in step.Commands) WriteVerbose($"[{domain.Host}] would run: {command}");
                }
            return;
        }
        if (!ShouldChange(pool.Name, $"Start {pool.DomainCount} domains on {string.Join(", ", pool.Hosts)}", false)) return;

        using var log = HostSettings.LogPath(this, LogPath) is { } path ? new JsonLinesLog(path) : null;
        var results = RunPumped(connections, async pump =>
        {
            var progress = new PoolProgress(this, pump, $"Start-XenPool {pool.Name}", pool.DomainCount, pool.Hosts);
            var starter = new PoolStarter(pool, byName, options, new PoolEventFanOut(progress, log));
            var r = await starter.RunAsync(Cancellation).ConfigureAwait(false);
            progress.Complete();
            return r;
        }, log is null ? null : result => log.CommandCompleted(pool.Name, null, result));

        foreach (var result in results)
        {
            if (!PassThru) WriteObject(result);
            if (result.Status == DomainStartStatus.Failed)
                WriteError(ToErrorRecord(result.Error ?? new XenHostException(XenErrorIds.DomainStartFailed, XenErrorCategory.InvalidOperation, result.Host, result.Reason ?? "failed"), result));
            else if (result.Status == DomainStartStatus.Skipped)
                WriteWarning($"{result.Domain} on {result.Host} was skipped: {result.Reason}");
        }
        var unchanged = results.All(r => r.Status == DomainStartStatus.AlreadyRunning);
        WriteInformation(unchanged
            ? $"Pool {pool.Name} is already running: all {results.Count} domains are alive, nothing was changed."
            : $"Pool {pool.Name}: {Count(results, DomainStartStatus.Started)} started, {Count(results, DomainStartStatus.AlreadyRunning)} already running, " +
              $"{Count(results, DomainStartStatus.Failed)} failed, {Count(results, DomainStartStatus.Skipped)} skipped.", new[] { "SmartDomains", "Summary" });
        if (PassThru) WriteObject(pool);
    }

    private static int Count(IEnumerable<DomainStartResult> results, DomainStartStatus status) => results.Count(r => r.Status == status);
}
