using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;
using SmartDomains.Images;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Deletes images from their repository (the archive and its manifest). A removal on a host is journaled.</summary>
[Cmdlet(VerbsCommon.Remove, "XenImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Object")]
[OutputType(typeof(XenImage))]
public sealed class RemoveXenImageCommand : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Object")]
    [ValidateNotNull]
    public XenImage? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string Repository { get; set; } = "";

    [Parameter(ParameterSetName = "Name")]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument? XenHost { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var images = new List<XenImage>();
        if (ParameterSetName == "Object")
        {
            if (InputObject!.Store is null)
            {
                WriteError(new ErrorRecord(new ArgumentException($"The image '{InputObject.Name}' does not say which repository it is in; use -Name and -Repository."),
                    XenErrorIds.ImageInvalid, ErrorCategory.InvalidArgument, InputObject));
                return;
            }
            images.Add(InputObject);
        }
        else
        {
            var store = ImageRepositories.Store(this, Repository, XenHost);
            if (store is null) return;
            foreach (var n in Name)
            {
                try { images.Add(RunPumped(Hosts(store), _ => store.GetAsync(n, Cancellation))); }
                catch (XenHostException e) { WriteError(ToErrorRecord(e, n)); }
            }
        }
        foreach (var image in images)
        {
            var store = image.Store!;
            var dir = image.Complete ? store.ImageDirectory(image.Name) : store.PartialDirectory(image.Name);
            var command = store.IsLocal ? $"delete {dir}" : SmartDomains.Remote.RemoteCommand.Of("rm", "-rf", dir).CommandLine;
            if (!ShouldChange($"image {image.Name} in {store.Location}", $"Remove ({command})", Force)) continue;
            try
            {
                RunPumped(Hosts(store), async _ => { await store.RemoveAsync(image, Cancellation).ConfigureAwait(false); return true; });
                WriteVerbose($"Removed {image.Location}");
                if (PassThru) WriteObject(image);
            }
            catch (Exception e) when (e is XenHostException or IOException or UnauthorizedAccessException)
            {
                WriteError(ToErrorRecord(e, image));
            }
        }
    }

    private static HostConnection[] Hosts(ImageStore store) => store.Host is null ? Array.Empty<HostConnection>() : new[] { store.Host };
}
