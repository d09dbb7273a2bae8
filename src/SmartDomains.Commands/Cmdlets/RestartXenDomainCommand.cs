using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Reboots a domain (xl reboot); -Force destroys it and creates it again from its config.</summary>
[Cmdlet(VerbsLifecycle.Restart, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DomainActionResult))]
public sealed class RestartXenDomainCommand : XenDomainActionCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string Action => "Restart";
    protected override bool ForceRequested => Force;
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.RestartAsync(domain, Force, ct);
}
