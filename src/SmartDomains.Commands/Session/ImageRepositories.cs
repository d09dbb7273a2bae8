using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Images;

namespace SmartDomains.Commands.Session;

/// <summary>What the image cmdlets share: turning -Repository and -Host into a store.</summary>
internal static class ImageRepositories
{
    /// <summary>A local store, or one on the host given; null (after an error) when the host is not connected.</summary>
    public static ImageStore? Store(XenCmdlet cmdlet, string repository, XenHostArgument? host)
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
