using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Unpauses a domain paused with Suspend-XenDomain (xl unpause).</summary>
[Cmdlet(VerbsLifecycle.Resume, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DomainActionResult))]
public sealed class ResumeXenDomainCommand : XenDomainActionCmdlet
{
    protected override string Action => "Resume";
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.PauseAsync(domain, pause: false, ct);
}
