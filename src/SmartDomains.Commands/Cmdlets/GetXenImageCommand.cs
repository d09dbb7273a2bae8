using System.Management.Automation;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Images;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Lists the images of a repository: a local directory, or a directory on a host (-Host). Only complete images, unless -IncludeIncomplete.</summary>
[Cmdlet(VerbsCommon.Get, "XenImage")]
[OutputType(typeof(XenImage))]
public sealed class GetXenImageCommand : XenCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Repository { get; set; } = "";

    [Parameter]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public object? XenHost { get; set; }

    [Parameter]
    public SwitchParameter IncludeIncomplete { get; set; }

    protected override void EndProcessing()
    {
        var store = ImageCmdlets.Store(this, Repository, XenHost);
        if (store is null) return;
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        try
        {
            var images = RunPumped(store.Host is null ? Array.Empty<HostConnection>() : new[] { store.Host }, _ => store.ListAsync(IncludeIncomplete, Cancellation));
            var matched = new HashSet<string>();
            foreach (var image in images)
            {
                if (patterns is not null && !patterns.Any(p => p.IsMatch(image.Name))) continue;
                WriteObject(image);
                matched.Add(image.Name);
            }
            foreach (var n in Name ?? Array.Empty<string>())
                if (!WildcardPattern.ContainsWildcardCharacters(n) && !matched.Contains(n))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"There is no complete image '{n}' in {store.Location}."),
                        XenErrorIds.ImageNotFound, ErrorCategory.ObjectNotFound, n));
        }
        catch (XenHostException e) { WriteError(ToErrorRecord(e, store.Location)); }
    }
}

/// <summary>What the image cmdlets share: turning -Repository and -Host into a store.</summary>
internal static class ImageCmdlets
{
    /// <summary>A local store, or one on the host given; null (after an error) when the host is not connected.</summary>
    public static ImageStore? Store(XenCmdlet cmdlet, string repository, object? host)
    {
        if (host is null) return ImageStore.Local(cmdlet.GetUnresolvedProviderPathFromPSPath(repository));
        var connections = cmdlet.ResolveConnections(new[] { host });
        if (connections.Count == 0) return null;
        if (connections.Count > 1)
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Host names {connections.Count} hosts; a repository is on one."),
                XenErrorIds.ImageInvalid, ErrorCategory.InvalidArgument, host));
        try { return ImageStore.OnHost(connections[0], repository); }
        catch (XenHostException e) { cmdlet.ThrowTerminatingError(XenCmdlet.ToErrorRecord(e, repository)); return null; }
    }
}
