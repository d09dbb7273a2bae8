using System.Management.Automation;
using SmartDomains.Portal;

namespace SmartDomains.Commands.Session;

/// <summary>What went wrong while a portal served in the background reaches the session's error stream at the next Get- or Stop-XenPortal.</summary>
internal static class PortalErrors
{
    public static void WriteNew(PSCmdlet cmdlet, XenPortal portal)
    {
        foreach (var error in portal.TakeNewErrors())
            cmdlet.WriteError(new ErrorRecord(new InvalidOperationException($"The portal at {portal}: {error}"),
                XenErrorIds.PortalError, ErrorCategory.OperationStopped, portal));
    }
}
