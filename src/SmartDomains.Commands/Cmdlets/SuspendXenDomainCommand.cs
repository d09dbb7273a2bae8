using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Pauses a domain (xl pause): it keeps its memory but gets no CPU time.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DomainActionResult))]
public sealed class SuspendXenDomainCommand : XenDomainActionCmdlet
{
    protected override string Action => "Suspend";
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.PauseAsync(domain, pause: true, ct);
}
