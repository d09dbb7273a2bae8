using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Shuts a domain down gracefully within a timeout; -Force destroys it at once.</summary>
[Cmdlet(VerbsLifecycle.Stop, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DomainActionResult))]
public sealed class StopXenDomainCommand : XenDomainActionCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    protected override string Action => "Stop";
    protected override bool ForceRequested => Force;
    protected override IReadOnlyList<string> Describe(string domain) => DomainOperations.Describe(Action, domain, null, TimeSpan.FromSeconds(TimeoutSeconds), Force);
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.StopAsync(domain, Force, TimeSpan.FromSeconds(TimeoutSeconds), ct, hold: true);
}
