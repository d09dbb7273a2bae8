using SmartDomains.Hosts;

namespace SmartDomains.Transport.OpenSsh;

public enum SshFailureKind { HostKeyChanged, HostKeyUnknown, AuthenticationRefused, Unreachable }

/// <summary>
/// Why an ssh connect failed, read from ssh's stderr (ssh exits 255 for all of them), and the module's error for it:
/// the same ids as SSH.NET's (XenHostKeyMismatch, XenHostKeyUnknown, XenAuthenticationFailed, XenHostUnreachable), with
/// ssh's own message in the text.
/// </summary>
public static class SshFailure
{
    public static SshFailureKind Classify(string stderr)
    {
        if (Has(stderr, "REMOTE HOST IDENTIFICATION HAS CHANGED") || Has(stderr, "has changed and you have requested strict checking") ||
            Has(stderr, "POSSIBLE DNS SPOOFING DETECTED"))
            return SshFailureKind.HostKeyChanged;
        if (Has(stderr, "Host key verification failed") || Has(stderr, "host key is known for"))
            return SshFailureKind.HostKeyUnknown;
        if (Has(stderr, "Permission denied (") || Has(stderr, "Too many authentication failures") ||
            Has(stderr, "No more authentication methods"))
            return SshFailureKind.AuthenticationRefused;
        return SshFailureKind.Unreachable;
    }

    /// <summary>
    /// True when the master was there but sshd refused it one more channel (MaxSessions, 10 by default): nothing ran, and
    /// the same request succeeds once another command ends.
    /// </summary>
    public static bool IsChannelRefused(string stderr) => Has(stderr, "open refused by peer") || Has(stderr, "administratively prohibited");

    /// <summary>The error for a failed master connect. <paramref name="presented"/>: the fingerprint the host showed, if any.</summary>
    public static XenHostException ToException(HostConnectionInfo info, string stderr, string? presented)
    {
        var said = Clean(stderr);
        var knownHosts = info.KnownHostsFileGiven ? info.KnownHostsFile : "the known_hosts files of the ssh config";
        return Classify(stderr) switch
        {
            SshFailureKind.HostKeyChanged => ConnectFailures.KeyChanged(info, presented, knownHosts, said),
            SshFailureKind.HostKeyUnknown when info.HostKeyPolicy.Kind == HostKeyPolicyKind.Pinned => ConnectFailures.PinMismatch(info, presented, said),
            SshFailureKind.HostKeyUnknown => ConnectFailures.KeyUnknown(info, presented, knownHosts, said),
            SshFailureKind.AuthenticationRefused => ConnectFailures.AuthenticationFailed(info, said),
            _ => ConnectFailures.Unreachable(info, said.Length > 0 ? said : "ssh exited with 255 and said nothing"),
        };
    }

    /// <summary>ssh's lines, one after another, without the @@@ frame of its warning banner.</summary>
    public static string Clean(string stderr) =>
        string.Join(" ", stderr.Replace("\r", "").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.All(c => c == '@')).Select(l => l.Trim('@').Trim()));

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
