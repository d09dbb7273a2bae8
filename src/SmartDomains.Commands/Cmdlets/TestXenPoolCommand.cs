using System.Management.Automation;
using SmartDomains.Sync;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Does the hosts' state match the pool at -At? -Detailed returns each finding; nothing is repaired.</summary>
[Cmdlet(VerbsDiagnostic.Test, "XenPool", DefaultParameterSetName = "Pool")]
[OutputType(typeof(bool), typeof(XenPoolDrift))]
public sealed class TestXenPoolCommand : XenPoolSyncCmdlet
{
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolvePool() is not { } pool) return;
        var hosts = PoolHosts(pool);
        var inspector = new PoolDriftInspector(pool, hosts, Options(pool));
        var drift = RunPumped(hosts.Values.ToArray(), _ => inspector.InspectAsync(Cancellation));
        if (Detailed) foreach (var d in drift) WriteObject(d);
        else
        {
            foreach (var d in drift) WriteVerbose(d.ToString());
            WriteObject(drift.Count == 0);
        }
    }
}
