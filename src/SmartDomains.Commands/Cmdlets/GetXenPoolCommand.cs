using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Rebuilds pools from the hosts' journals, with each domain's live state; any controller can pick a pool up.</summary>
[Cmdlet(VerbsCommon.Get, "XenPool")]
[OutputType(typeof(XenPool))]
public sealed class GetXenPoolCommand : XenCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    protected override void EndProcessing()
    {
        var connections = ResolveConnections(XenHost);
        var views = CollectFromHosts(connections, (c, _) => PoolCatalog.ReadHostAsync(c, Cancellation)).Select(v => v.Result).ToArray();
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var pools = PoolCatalog.Rebuild(views).Where(p => patterns is null || patterns.Any(w => w.IsMatch(p.Name))).ToArray();
        WriteObject(pools, enumerateCollection: true);
        foreach (var name in Name ?? Array.Empty<string>())
            if (!WildcardPattern.ContainsWildcardCharacters(name) && !pools.Any(p => p.Name == name))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No journal on the queried hosts records a pool named '{name}'."),
                    XenErrorIds.PoolNotFound, ErrorCategory.ObjectNotFound, name));
    }
}
