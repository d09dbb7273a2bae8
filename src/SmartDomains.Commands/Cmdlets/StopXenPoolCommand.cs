using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Stops a pool's domains in reverse dependency order: dependents first. Configs and storage stay.</summary>
[Cmdlet(VerbsLifecycle.Stop, "XenPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DomainActionResult))]
public sealed class StopXenPoolCommand : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    /// <summary>Destroy instead of a graceful shutdown.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    protected override void ProcessRecord()
    {
        var pool = Pool!;
        var connections = ResolveConnections(pool.Hosts.Select(h => new XenHostArgument(h)));
        if (connections.Count < pool.Hosts.Count) return;
        var byName = connections.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        // A pool read from some of its hosts only lists the domains on those hosts.
        var stages = pool.Stages.Reverse().Select(stage => stage.Select(n => pool.Domains.FirstOrDefault(d => d.Name == n)).OfType<Pools.PoolDomain>()
            .Where(d => ShouldChange($"{d.Name} on {d.Host}", string.Join("; ", DomainOperations.Describe("Stop", d.Name, null, timeout, Force)), Force))
            .ToArray()).ToArray();

        using var log = HostSettings.LogPath(this, LogPath) is { } path ? new JsonLinesLog(path) : null;
        var results = RunPumped(connections, async pump =>
        {
            var all = new List<DomainActionResult>();
            foreach (var stage in stages)
            {
                var done = await Task.WhenAll(stage.Select(d => new DomainOperations(byName[d.Host!]).StopAsync(d.Name, Force, timeout, Cancellation, onlyOurs: true, hold: true))).ConfigureAwait(false);
                foreach (var r in done) log?.StateChanged(pool.Name, r.Domain, r.Host, r.Status == DomainActionStatus.Failed ? "StopFailed" : "Stopped", r.Message);
                all.AddRange(done);
            }
            return all;
        }, log is null ? null : result => log.CommandCompleted(pool.Name, null, result));
        foreach (var r in results)
        {
            WriteObject(r);
            if (r.Error is not null) WriteError(ToErrorRecord(r.Error, r));
        }
    }
}
