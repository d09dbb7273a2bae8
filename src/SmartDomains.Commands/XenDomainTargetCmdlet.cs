using System.Globalization;
using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands;

/// <summary>
/// Base of the cmdlets that act on domains given by name or from the pipeline (anything with Name or Domain, and Host): the
/// per-domain actions and Save-XenImage. A domain given without a host is looked for in EndProcessing (<see cref="Locate"/>).
/// </summary>
public abstract class XenDomainTargetCmdlet : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    private readonly DomainTargets _targets = new();

    protected override void ProcessRecord()
    {
        if (CollectedForJob()) return;
        // A name reaches xl on the host: one that is not a Xen name (or is Domain-0) is refused here, per item.
        var names = Name.Where(n =>
        {
            if (SmartDomains.Pools.XenNames.IsValidName(n)) return true;
            WriteError(new ErrorRecord(new ArgumentException($"{SmartDomains.Pools.HostValues.Show(n)} is not a domain name SmartDomains acts on: {SmartDomains.Pools.XenNames.NameRule}."),
                XenErrorIds.DomainNameInvalid, ErrorCategory.InvalidArgument, n));
            return false;
        }).ToArray();
        if (names.Length > 0) _targets.Add(names, XenHost is null ? null : ResolveConnections(XenHost));
    }

    /// <summary>
    /// The domains to act on: on the hosts given, or where a connected host runs the domain, or where it holds it (<paramref name="holds"/>).
    /// A domain found nowhere is a XenDomainNotFound error (<paramref name="notFoundMessage"/>, {0} the name).
    /// </summary>
    private protected IReadOnlyList<DomainTarget> Locate(Func<PoolCatalog.HostView, string, bool> holds, bool heldOnlyIfRunsNowhere,
        string notFoundMessage)
    {
        var (found, missing) = _targets.Resolve(this, DomainLookup.Catalog(holds, heldOnlyIfRunsNowhere), Cancellation);
        foreach (var m in missing)
            WriteError(new ErrorRecord(new ItemNotFoundException(string.Format(CultureInfo.InvariantCulture, notFoundMessage, m.Name)),
                XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, m.Name));
        return found;
    }
}
