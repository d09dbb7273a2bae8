using System.Management.Automation;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands;

/// <summary>
/// Base of the single-domain actions (Start, Stop, Restart, Suspend, Resume, Remove-XenDomain). Domains come by name or from
/// the pipeline (Get-XenDomain, a pool's Domains, Start-XenPool results: anything with Name or Domain, and Host). A domain
/// without a host is looked for on every connected host. Actions run in parallel; a failure is a per-domain error.
/// </summary>
public abstract class XenDomainActionCmdlet : XenDomainTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected abstract string Action { get; }
    protected virtual bool ForceRequested => false;
    protected virtual IReadOnlyList<string> Describe(string domain) => DomainOperations.Describe(Action, domain, null, TimeSpan.FromSeconds(60), ForceRequested);
    private protected abstract Task<DomainActionResult> ActAsync(DomainOperations operations, string domain, CancellationToken ct);

    protected override void EndProcessing()
    {
        // Where xl lists it; only a domain that runs nowhere is looked for where the journal has its config (Start, or a no-op Stop).
        var located = Locate((v, d) => DomainOperations.ConfigPathOf(v.Journal, d) is not null, heldOnlyIfRunsNowhere: true,
            "No connected host runs a domain named '{0}' or has its config from SmartDomains.");
        var approved = located.Where(t => ShouldChange($"{t.Domain} on {t.Host.Name}", string.Join("; ", Describe(t.Domain)), ForceRequested)).ToArray();
        if (approved.Length == 0) return;
        var results = RunPumped(approved.Select(a => a.Host).Distinct().ToArray(), async _ =>
            await Task.WhenAll(approved.Select(t => ActAsync(new DomainOperations(t.Host), t.Domain, Cancellation))).ConfigureAwait(false));
        foreach (var r in results)
        {
            if (PassThru) WriteObject(r);
            if (r.Error is not null) WriteError(ToErrorRecord(r.Error, r));
            else WriteVerbose($"{Action} {r.Domain} on {r.Host}: {r.Message}");
        }
    }
}
