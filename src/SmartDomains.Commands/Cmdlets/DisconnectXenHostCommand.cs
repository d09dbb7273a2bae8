using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Model;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Closes cached host connections. Nothing on the hosts changes.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "XenHost")]
[OutputType(typeof(XenHost))]
public sealed class DisconnectXenHostCommand : XenCmdlet
{
    /// <summary>Host names (wildcards) or XenHost objects. Without it, every connected host.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Host", "Name")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [SupportsWildcards]
    public XenHostArgument[]? XenHost { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (XenHost is null && Registry.All.Count == 0) return;
        foreach (var connection in ResolveConnections(XenHost))
        {
            Registry.Remove(connection.Name);
            connection.Dispose();
            WriteVerbose($"Disconnected from {connection.Name}.");
            if (PassThru) WriteObject(connection.Host);
        }
    }
}
