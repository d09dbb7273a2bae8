using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;

namespace SmartDomains.Commands;

/// <summary>
/// Base of the cmdlets that act on domains given by name or from the pipeline (anything with Name or Domain, and Host): the
/// per-domain actions and Save-XenImage. A domain given without a host is looked for in EndProcessing through
/// <see cref="Targets"/>.
/// </summary>
public abstract class XenDomainTargetCmdlet : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    private protected DomainTargets Targets { get; } = new();

    protected override void ProcessRecord()
    {
        // A name reaches xl on the host: one that is not a Xen name (or is Domain-0) is refused here, per item.
        var names = Name.Where(n =>
        {
            if (SmartDomains.Pools.XenNames.IsValidName(n)) return true;
            WriteError(new ErrorRecord(new ArgumentException($"{SmartDomains.Pools.HostValues.Show(n)} is not a domain name SmartDomains acts on: {SmartDomains.Pools.XenNames.NameRule}."),
                XenErrorIds.DomainNameInvalid, ErrorCategory.InvalidArgument, n));
            return false;
        }).ToArray();
        if (names.Length > 0) Targets.Add(names, XenHost is null ? null : ResolveConnections(XenHost));
    }
}
