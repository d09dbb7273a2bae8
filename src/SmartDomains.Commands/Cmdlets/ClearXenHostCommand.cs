using System.Management.Automation;
using SmartDomains.Cleanup;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Undoes everything the host journal lists, newest first: stops the domains the module created, removes their configs, disks,
/// volumes, cached base images, temp files and the directories it made (when empty), then the journal itself. Nothing the
/// journal does not list is touched.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "XenHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(XenCleanupReport))]
public sealed class ClearXenHostCommand : XenCleanupCmdlet
{
    private readonly List<XenHostArgument> _hosts = new();

    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [ValidateNotNullOrEmpty]
    public XenHostArgument[]? XenHost { get; set; }

    /// <summary>Run as a PowerShell job: returns the job at once; Receive-Job gives what the cmdlet gives.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (CollectedForJob()) return;
        if (XenHost is not null) _hosts.AddRange(XenHost);
    }

    protected override void EndProcessing()
    {
        if (StartedJob()) return;
        var connections = ResolveConnections(_hosts.Count == 0 ? null : _hosts);
        RunCleanup(connections.Select(c => (c, (string?)null)).ToArray());
    }
}
