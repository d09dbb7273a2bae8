using System.Management.Automation;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;

namespace SmartDomains.Commands;

/// <summary>Base of Clear-XenHost and Remove-XenPool: the switches they share and the run per host.</summary>
public abstract class XenCleanupCmdlet : XenCmdlet
{
    /// <summary>Save each running managed domain into this image repository first; nothing of a domain whose save fails is removed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SaveImages { get; set; }

    /// <summary>Shut domains down gracefully (destroying them when -TimeoutSeconds passes) instead of destroying them at once.</summary>
    [Parameter]
    public SwitchParameter Graceful { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int StepTimeoutSeconds { get; set; } = 120;

    /// <summary>How long to wait for a host or pool that another controller's lease holds, before XenHostBusy; 0: do not wait.</summary>
    [Parameter]
    [Alias("BusyTimeout")]
    [ValidateRange(0, 86400)]
    public int BusyTimeoutSeconds { get; set; } = (int)SmartDomains.State.HostLease.DefaultBusyTimeout.TotalSeconds;

    /// <summary>Go ahead without confirmation (for scripts).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    internal void RunCleanup(IReadOnlyList<(HostConnection Connection, string? Pool)> targets) =>
        CleanupRun.Run(this, targets, SaveImages, Graceful, TimeoutSeconds, StepTimeoutSeconds, BusyTimeoutSeconds, Force, Cancellation);
}
