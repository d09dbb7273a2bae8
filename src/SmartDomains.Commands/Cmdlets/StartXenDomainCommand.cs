using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Starts a stopped domain from the config SmartDomains wrote for it (xl create).</summary>
[Cmdlet(VerbsLifecycle.Start, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DomainActionResult))]
public sealed class StartXenDomainCommand : XenDomainActionCmdlet
{
    protected override string Action => "Start";
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.StartAsync(domain, ct);
}
