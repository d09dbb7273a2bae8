using System.Management.Automation;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Stops a domain, then removes the config, images and volumes SmartDomains made for it. Nothing else is touched.</summary>
[Cmdlet(VerbsCommon.Remove, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DomainActionResult))]
public sealed class RemoveXenDomainCommand : XenDomainActionCmdlet
{
    /// <summary>Destroy instead of a graceful shutdown, and go ahead without confirmation (for scripts).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    protected override string Action => "Remove";
    protected override bool ForceRequested => Force;
    protected override IReadOnlyList<string> Describe(string domain) =>
        DomainOperations.Describe("Stop", domain, null, TimeSpan.FromSeconds(TimeoutSeconds), Force).Append("remove the config, images and volumes the journal lists for it").ToArray();
    private protected override Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct) =>
        operations.RemoveAsync(domain, Force, TimeSpan.FromSeconds(TimeoutSeconds), ct);
}
