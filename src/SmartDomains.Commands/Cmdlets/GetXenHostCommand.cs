using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Model;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Lists connected hosts with live facts from `xl info` and `xl list`, read from all hosts in parallel.</summary>
[Cmdlet(VerbsCommon.Get, "XenHost")]
[OutputType(typeof(XenHost))]
public sealed class GetXenHostCommand : XenCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Host", "Name")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [SupportsWildcards]
    public XenHostArgument[]? XenHost { get; set; }

    /// <summary>Return the cached objects as they are, without asking the hosts.</summary>
    [Parameter]
    public SwitchParameter NoRefresh { get; set; }

    private readonly List<HostConnection> _connections = new();

    protected override void ProcessRecord()
    {
        if (XenHost is null && Registry.All.Count == 0) return;
        _connections.AddRange(ResolveConnections(XenHost));
    }

    protected override void EndProcessing()
    {
        var connections = _connections.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        if (NoRefresh)
        {
            WriteObject(connections.Select(c => c.Host), enumerateCollection: true);
            return;
        }
        foreach (var (_, host) in CollectFromHosts(connections, (c, _) => HostFacts.RefreshAsync(c, Cancellation)))
            WriteObject(host);
    }
}
