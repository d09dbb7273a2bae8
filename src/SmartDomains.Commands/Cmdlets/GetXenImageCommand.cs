using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
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
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Repository { get; set; } = "";

    [Parameter]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument? XenHost { get; set; }

    [Parameter]
    public SwitchParameter IncludeIncomplete { get; set; }

    protected override void EndProcessing()
    {
        var store = ImageRepositories.Store(this, Repository, XenHost);
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
