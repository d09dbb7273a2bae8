using System.Management.Automation;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;
using SmartDomains.Images;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Saves domains into an image repository: xl save of the memory, a sparse-aware tar of the disks compressed with zstd (or
/// pigz, or gzip), checksums verified end to end before the image gets its name. Takes domains from Get-XenDomain or a pool.
/// </summary>
[Cmdlet(VerbsData.Save, "XenImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenImage))]
public sealed class SaveXenImageCommand : XenDomainTargetCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Repository { get; set; } = "";

    [Parameter]
    public SwitchParameter OnHost { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageName { get; set; }

    [Parameter]
    public SwitchParameter Checkpoint { get; set; }

    /// <summary>Run as a PowerShell job: returns the job at once; Receive-Job gives what the cmdlet gives.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ImageName is not null && !ImageStore.IsValidName(ImageName))
            ThrowTerminatingError(XenCmdlet.ToErrorRecord(ImageStore.InvalidName(ImageName), ImageName));
    }

    protected override void EndProcessing()
    {
        if (StartedJob()) return;
        // Where xl lists it, and where an interrupted save of it waits to be finished.
        var targets = Locate((v, d) => v.Journal.Find(ImageResourceKinds.Temp, ImageSaver.TempDirOf(v.Connection, d)) is { Exists: true },
            heldOnlyIfRunsNowhere: false, "No connected host runs a domain named '{0}'.");
        if (ImageName is not null && targets.Count > 1)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ImageName names one image; it cannot be used when saving several domains."),
                XenErrorIds.ImageInvalid, ErrorCategory.InvalidArgument, ImageName));
        var index = 0;
        foreach (var (host, domain, _) in targets)
        {
            index++;
            ImageStore store;
            try { store = OnHost ? ImageStore.OnHost(host, Repository) : ImageStore.Local(GetUnresolvedProviderPathFromPSPath(Repository)); }
            catch (XenHostException e) { ThrowTerminatingError(ToErrorRecord(e, Repository)); return; }
            var describe = ImageSaver.Describe(host, domain, store, Checkpoint, ImageName);
            var action = (Checkpoint ? "Save (xl save -p, paused while its disks are archived, then unpaused) into " : "Save (xl save stops the domain) into ") + store.Location +
                         Environment.NewLine + "    " + string.Join(Environment.NewLine + "    ", describe);
            if (!ShouldChange($"{domain} on {host.Name}", action, false)) continue;
            var activity = $"Save-XenImage {domain} on {host.Name}";
            var id = index;
            try
            {
                var image = RunPumped(new[] { host }, async pump =>
                {
                    var progress = new ByteProgress(this, pump, id, activity);
                    var options = new ImageSaveOptions { Checkpoint = Checkpoint, ImageName = ImageName, Status = s => { progress.Status(s); pump.Post(() => WriteVerbose(s)); } };
                    var result = await ImageSaver.SaveAsync(host, domain, store, options, progress, Cancellation).ConfigureAwait(false);
                    progress.Complete();
                    return result;
                });
                WriteVerbose($"{image.Name}: {image.ArchiveBytes} bytes ({image.Compression}) for {image.DataBytes} bytes of memory and disks, in {image.Duration?.TotalSeconds:0.0} s");
                WriteObject(image);
            }
            catch (Exception e) when (e is XenHostException or AggregateException or IOException or UnauthorizedAccessException)
            {
                WriteError(ToErrorRecord(e, $"{domain} on {host.Name}"));
            }
        }
    }
}
