namespace SmartDomains.Portal.Server;

/// <summary>A portal that cannot start as asked: an address beyond loopback without a certificate, a port in use, no folder.</summary>
public sealed class PortalStartException : XenHostException
{
    public PortalStartException(string errorId, string message, string? recommendedAction = null, Exception? inner = null)
        : base(errorId, XenErrorCategory.InvalidArgument, null, message, inner) => RecommendedAction = recommendedAction;
}
