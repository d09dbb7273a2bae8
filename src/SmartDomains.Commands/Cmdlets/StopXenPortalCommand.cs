using System.Management.Automation;
using SmartDomains.Commands.Session;
using SmartDomains.Portal;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Stops a portal (or every running one) and frees its port; its runs in flight are stopped as Ctrl-C would.</summary>
[Cmdlet(VerbsLifecycle.Stop, "XenPortal")]
[OutputType(typeof(XenPortal))]
public sealed class StopXenPortalCommand : XenCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenPortal[]? Portal { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var portal in Portal ?? PortalRegistry.Running.ToArray())
        {
            PortalErrors.WriteNew(this, portal);
            portal.Stop();
            PortalRegistry.Remove(portal);
            if (PassThru) WriteObject(portal);
        }
    }
}
