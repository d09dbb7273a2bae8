using System.Management.Automation;
using SmartDomains.Planning;
using SmartDomains.Portal;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Writes the picture of a planned pool as an SVG file: the portal's plan picture, for reports.</summary>
[Cmdlet(VerbsData.Export, "XenPoolDiagram", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportXenPoolDiagramCommand : XenCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    /// <summary>The SVG file to write; relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Replaces an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the FileInfo of the file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var file = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(file))
        {
            WriteError(FileError(new IOException($"Cannot write the diagram of pool '{Pool!.Name}' to {file}: it is a directory."),
                XenErrorIds.OutputFileWriteFailed, ErrorCategory.InvalidArgument, file, "Give -Path a file name, such as plan.svg."));
            return;
        }
        if (File.Exists(file) && !Force)
        {
            WriteError(Exists(file));
            return;
        }
        if (!ShouldChange(file, $"write the diagram of pool '{Pool!.Name}'", Force)) return;
        try
        {
            AtomicFile.WriteText(file, PoolDiagram.RenderSvg(Pool), overwrite: Force);
        }
        catch (IOException) when (!Force && File.Exists(file))
        {
            WriteError(Exists(file));   // it appeared while the diagram was written
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(FileError(new IOException($"Cannot write the diagram of pool '{Pool.Name}' to {file}: {ex.Message}", ex),
                XenErrorIds.OutputFileWriteFailed, ErrorCategory.WriteError, file, "Check that the folder exists and that you may write to it."));
            return;
        }
        if (PassThru) WriteObject(new FileInfo(file));
    }

    private static ErrorRecord Exists(string file) => FileError(
        new IOException($"The file {file} exists already; Export-XenPoolDiagram replaces a file only with -Force."),
        XenErrorIds.OutputFileExists, ErrorCategory.ResourceExists, file, "Pass -Force to replace it, or choose another -Path.");

    private static ErrorRecord FileError(Exception exception, string id, ErrorCategory category, string file, string advice) =>
        new(exception, id, category, file) { ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = advice } };
}
