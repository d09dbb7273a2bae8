using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Images;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Converts a disk image on a host between raw and qcow2 with qemu-img. The new file is journaled as the module's.</summary>
[Cmdlet(VerbsData.Convert, "XenImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConvertedImage))]
public sealed class ConvertXenImageCommand : XenCmdlet
{
    [Parameter(Mandatory = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument? XenHost { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Target")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateSet("raw", "qcow2")]
    public string Format { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    protected override void ProcessRecord()
    {
        var connections = ResolveConnections(new[] { XenHost! });
        foreach (var host in connections)
        {
            var destination = Destination ?? ImageConverter.DefaultDestination(Path, Format);
            if (!ShouldChange($"{Path} on {host.Name}", ImageConverter.Command(Path, destination, Format).CommandLine, false)) continue;
            try
            {
                WriteObject(RunPumped(new[] { host }, _ => ImageConverter.ConvertAsync(host, Path, Format, destination, Cancellation)));
            }
            catch (XenHostException e) { WriteError(ToErrorRecord(e, $"{Path} on {host.Name}")); }
        }
    }
}
