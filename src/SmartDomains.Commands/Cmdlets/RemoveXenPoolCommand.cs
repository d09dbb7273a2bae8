using System.Management.Automation;
using SmartDomains.Cleanup;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.State;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Undoes one pool on every host that holds some of it: its domains, configs, disks, volumes and directories, as the journals
/// list them, and the base images no other live pool on the host still uses; then the pool's record.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "XenPool", DefaultParameterSetName = "Pool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(XenCleanupReport))]
public sealed class RemoveXenPoolCommand : XenCleanupCmdlet
{
    private readonly List<XenPool> _pools = new();
    private readonly List<string> _names = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Pool")]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Name")]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    protected override void ProcessRecord()
    {
        if (Pool is not null) _pools.Add(Pool);
        if (Name is not null) _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        var targets = new List<(Hosts.HostConnection, string?)>();
        foreach (var pool in _pools)
        {
            var connections = ResolveConnections(pool.Hosts.Select(h => new XenHostArgument(h)));
            if (connections.Count < pool.Hosts.Count) continue;      // XenHostNotConnected already written; nothing of the pool is removed
            targets.AddRange(connections.Select(c => (c, (string?)pool.Name)));
        }
        if (_names.Count > 0)
        {
            // By name: every queried host whose journal lists something of the pool.
            var connections = ResolveConnections(XenHost);
            var journals = CollectFromHosts(connections, (c, _) => new HostJournal(c).ReadStateAsync(Cancellation));
            foreach (var name in _names.Distinct(StringComparer.Ordinal))
            {
                var holders = journals.Where(j => j.Result.Live.Any(r => r.Pool == name)).Select(j => j.Connection).ToArray();
                if (holders.Length == 0)
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No journal on the queried hosts lists anything of a pool named '{name}'."),
                        XenErrorIds.PoolNotFound, ErrorCategory.ObjectNotFound, name));
                    continue;
                }
                targets.AddRange(holders.Select(c => (c, (string?)name)));
            }
        }
        // One pool per host per run: a host holding two of the given pools is cleaned for each in turn.
        foreach (var batch in targets.GroupBy(t => t.Item2).Select(g => g.ToArray()))
            RunCleanup(batch);
    }
}
