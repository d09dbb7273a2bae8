using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;
using SmartDomains.Images;
using SmartDomains.Model;
using SmartDomains.State;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Restores a saved image on a host: the archive's checksum first, then unpack and verify every member in a temp dir, then the
/// disks to their original paths, the config and `xl restore`. A corrupt image fails with XenImageCorrupt and changes nothing.
/// </summary>
[Cmdlet(VerbsData.Restore, "XenImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Object")]
[OutputType(typeof(XenDomain))]
public sealed class RestoreXenImageCommand : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Object")]
    [Alias("InputObject")]
    [ValidateNotNull]
    public XenImage? Image { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string Repository { get; set; } = "";

    [Parameter(ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument? RepositoryHost { get; set; }

    [Parameter]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument? XenHost { get; set; }

    [Parameter]
    public SwitchParameter Paused { get; set; }

    /// <summary>Run as a PowerShell job: returns the job at once; Receive-Job gives what the cmdlet gives.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (CollectedForJob()) return;
        if (ParameterSetName == "Name" && !ImageStore.IsValidName(Name))
            ThrowTerminatingError(ToErrorRecord(ImageStore.InvalidName(Name), Name));
        XenImage image;
        if (ParameterSetName == "Object")
        {
            image = Image!;
            if (image.Store is null)
            {
                WriteError(new ErrorRecord(new ArgumentException($"The image '{image.Name}' does not say which repository it is in; use -Name and -Repository."),
                    XenErrorIds.ImageInvalid, ErrorCategory.InvalidArgument, image));
                return;
            }
        }
        else
        {
            var store = ImageRepositories.Store(this, Repository, RepositoryHost);
            if (store is null) return;
            try { image = RunPumped(store.Host is null ? Array.Empty<HostConnection>() : new[] { store.Host }, _ => store.GetAsync(Name, Cancellation)); }
            catch (XenHostException e) { WriteError(ToErrorRecord(e, Name)); return; }
        }

        HostConnection target;
        if (XenHost is not null)
        {
            var connections = ResolveConnections(new[] { XenHost });
            if (connections.Count != 1)
            {
                if (connections.Count > 1)
                    WriteError(new ErrorRecord(new ArgumentException("-Host must name one host."), XenErrorIds.ImageInvalid, ErrorCategory.InvalidArgument, XenHost));
                return;
            }
            target = connections[0];
        }
        else if (image.Store!.Host is not null) target = image.Store.Host;
        else
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Say which host to restore '{image.Name}' on with -Host."),
                XenErrorIds.HostArgumentMissing, ErrorCategory.InvalidArgument, image));
            return;
        }

        // A tampered manifest is refused before anything, -WhatIf included.
        if (ImageManifestRules.ForHost(image, target.Host) is { } refused)
        {
            WriteError(ToErrorRecord(ImageRestorer.Invalid(target, image, refused), image));
            return;
        }
        JournalState journal;
        try { journal = RunPumped(new[] { target }, _ => new HostJournal(target).ReadStateAsync(Cancellation)); }
        catch (XenHostException e) { WriteError(ToErrorRecord(e, image)); return; }
        var describe = ImageRestorer.Describe(target, image, Paused, journal);
        if (!ShouldChange($"{image.Domain} on {target.Name}", $"Restore image {image.Name} from {image.Location}" + Environment.NewLine + "    " +
                                                            string.Join(Environment.NewLine + "    ", describe), false)) return;
        var hosts = new List<HostConnection> { target };
        if (image.Store!.Host is { } h && h != target) hosts.Add(h);
        try
        {
            var domain = RunPumped(hosts, async pump =>
            {
                var progress = new ByteProgress(this, pump, 1, $"Restore-XenImage {image.Name} on {target.Name}") { Total = image.ArchiveBytes };
                var d = await ImageRestorer.RestoreAsync(target, image, Paused, progress, Cancellation, s => { progress.Status(s); pump.Post(() => WriteVerbose(s)); }).ConfigureAwait(false);
                progress.Complete();
                return d;
            });
            WriteObject(domain);
        }
        catch (Exception e) when (e is XenHostException or IOException or UnauthorizedAccessException)
        {
            WriteError(ToErrorRecord(e, image));
        }
    }
}
