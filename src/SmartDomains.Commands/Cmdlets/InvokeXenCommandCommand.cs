using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.Xl;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>The escape hatch: runs one raw xl command on hosts and returns its typed result.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "XenCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CommandResult))]
public sealed class InvokeXenCommandCommand : XenCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[] XenHost { get; set; } = Array.Empty<XenHostArgument>();

    /// <summary>xl's arguments, starting with the subcommand: e.g. list, -l. Each is quoted for the shell.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromRemainingArguments = true)]
    [ValidateNotNullOrEmpty]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    private readonly List<HostConnection> _connections = new();

    protected override void ProcessRecord() => _connections.AddRange(ResolveConnections(XenHost));

    protected override void EndProcessing()
    {
        var command = RemoteCommand.Xl(ArgumentList);
        var connections = _connections.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .Where(c => ShouldChange(c.Name, command.CommandLine, false)).ToArray();
        foreach (var (_, result) in CollectFromHosts(connections, (c, _) => c.RunAsync(command, Cancellation)))
        {
            WriteObject(result);
            if (!result.Succeeded) WriteError(ToErrorRecord(XlFailure.From(result, command), result));
        }
    }
}
