using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Transport;

/// <summary>
/// The errors a transport raises when it cannot reach, trust or log into a host, or a command outlives its time: one
/// wording and one error id per failure, whichever transport (SSH.NET, OpenSSH, a local shell) met it.
/// </summary>
public static class ConnectFailures
{
    /// <summary>user@address:port, with the ssh config alias it came from.</summary>
    public static string Where(HostConnectionInfo info) =>
        $"{info.User}@{info.ComputerName}:{info.Port}" + (info.ConfigHost is { } alias && alias != info.ComputerName ? $" (ssh config host {alias})" : "");

    public static XenHostException KeyUnknown(HostConnectionInfo info, string? presented, string knownHosts, string? detail = null, Exception? inner = null) =>
        new(XenErrorIds.HostKeyUnknown, XenErrorCategory.SecurityError, info.Name,
            $"The host key of {Where(info)} (SHA256:{presented}) is not in {knownHosts}, and the policy is Strict." + Said(detail), inner)
        { RecommendedAction = $"Check the fingerprint out of band, then connect with -HostKeyPolicy SHA256:{presented} or -HostKeyPolicy AcceptNew." };

    public static XenHostException KeyChanged(HostConnectionInfo info, string? presented, string knownHosts, string? detail = null, Exception? inner = null) =>
        new(XenErrorIds.HostKeyMismatch, XenErrorCategory.SecurityError, info.Name,
            $"The host key of {Where(info)} has CHANGED: it presented SHA256:{presented}, which does not match {knownHosts}. The connection was refused." + Said(detail), inner)
        { RecommendedAction = "If the host was reinstalled, verify the new fingerprint out of band and connect with -HostKeyPolicy set to it." };

    public static XenHostException PinMismatch(HostConnectionInfo info, string? presented, string? detail = null, Exception? inner = null) =>
        new(XenErrorIds.HostKeyMismatch, XenErrorCategory.SecurityError, info.Name,
            $"The host key of {Where(info)} is SHA256:{presented}, not the pinned SHA256:{info.HostKeyPolicy.PinnedFingerprint}. The connection was refused." + Said(detail), inner);

    public static XenHostException AuthenticationFailed(HostConnectionInfo info, string why, Exception? inner = null) =>
        new(XenErrorIds.AuthenticationFailed, XenErrorCategory.AuthenticationError, info.Name,
            $"Authentication as {info.User} on {Where(info)} failed: {why}", inner)
        { RecommendedAction = "Check -User, -KeyFile or -Credential (or the agent and IdentityFile of your ssh config), and the host's authorized_keys." };

    public static XenHostException Unreachable(HostConnectionInfo info, string why, Exception? inner = null) =>
        new(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, info.Name, $"Host {Where(info)} is unreachable: {why}", inner)
        { RecommendedAction = "Check the address, the port, any jump host on the way, and that sshd runs on the host." };

    /// <summary>A command that ran past the host's command timeout (or, streaming, sent nothing for that long).</summary>
    public static XenHostException CommandTimedOut(HostConnectionInfo info, RemoteCommand command, bool streaming) =>
        new(XenErrorIds.HostUnreachable, XenErrorCategory.OperationTimeout, info.Name, streaming
            ? $"'{command.Display}' on {info.Name} sent nothing for {info.CommandTimeout.TotalSeconds:0} s."
            : $"'{command.Display}' on {info.Name} did not finish within {info.CommandTimeout.TotalSeconds:0} s.");

    private static string Said(string? detail) => string.IsNullOrWhiteSpace(detail) ? "" : $" ssh said: {detail}";
}
