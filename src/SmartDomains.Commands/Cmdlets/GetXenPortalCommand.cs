using System.Management.Automation;
using SmartDomains.Commands.Session;
using SmartDomains.Portal;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Lists the running portals; what went wrong while they served comes as errors, each once.</summary>
[Cmdlet(VerbsCommon.Get, "XenPortal")]
[OutputType(typeof(XenPortal))]
public sealed class GetXenPortalCommand : XenCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var portal in PortalRegistry.Running)
        {
            PortalErrors.WriteNew(this, portal);
            WriteObject(portal);
        }
    }
}
