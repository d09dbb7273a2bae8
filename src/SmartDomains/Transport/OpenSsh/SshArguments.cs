using SmartDomains.Hosts;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>
/// The argv of every ssh process of one connection, one value per element (ProcessStartInfo.ArgumentList, never a shell).
/// The master reads the operator's ssh config and does the handshake; everything else rides the master's control socket
/// and reads no config at all (-F /dev/null), so a config's RemoteCommand, RequestTTY or Match exec never touches a command.
/// </summary>
public sealed class SshArguments
{
    // An idle master (no command for this long) exits by itself: bounds what a crashed session leaves behind.
    internal const int MasterIdleSeconds = 300;

    // Records the fingerprint ssh was shown (%f) and, under a pinned policy, answers with a known_hosts line for the key
    // (%H %t %K) only when that fingerprint is the pin. Values arrive as positional parameters, never inside the script.
    private const string HostKeyScript =
        "'[ -n \"$3\" ] || exit 0; echo \"$3\" > \"$1\"; [ \"$3\" != \"$2\" ] || echo \"$4 $5 $6\"'";

    private readonly HostConnectionInfo _info;
    private readonly ControlDirectory _dir;

    public SshArguments(HostConnectionInfo info, ControlDirectory dir)
    {
        _info = info;
        _dir = dir;
    }

    /// <summary>Starts the master: authenticates, then backgrounds itself (-f) with no command (-N).</summary>
    public IReadOnlyList<string> Master()
    {
        var a = new List<string>();
        if (_info.SshConfigFile is { } config) a.AddRange(new[] { "-F", config });
        Option(a, "BatchMode", "yes");
        Option(a, "ControlMaster", "yes");
        Option(a, "ControlPath", _dir.Socket);
        Option(a, "ControlPersist", MasterIdleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Option(a, "ConnectTimeout", ((int)Math.Ceiling(_info.ConnectTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A dead link is noticed within 45 s, as SSH.NET's keep-alive does, and the next command reconnects.
        Option(a, "ServerAliveInterval", "15");
        Option(a, "ServerAliveCountMax", "3");
        HostKeyOptions(a);
        // The master carries commands and files, nothing else: no forwarding the config asks for, no local command.
        Option(a, "ClearAllForwardings", "yes");
        Option(a, "ForwardAgent", "no");
        Option(a, "ForwardX11", "no");
        Option(a, "PermitLocalCommand", "no");
        Option(a, "RemoteCommand", "none");
        if (_info.KeyFile is { } key) Option(a, "IdentityFile", Quoted(key));
        a.AddRange(new[] { "-l", _info.User, "-p", _info.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "-N", "-T", "--", _info.SshDestination });
        return a;
    }

    /// <summary>Runs one command line (already quoted for the host's shell by RemoteCommand) over the master.</summary>
    public IReadOnlyList<string> Command(string commandLine) => Client("-T", "--", _info.SshDestination, commandLine);

    /// <summary>Starts a subsystem (sftp) over the master; its stdin and stdout are the subsystem's channel.</summary>
    public IReadOnlyList<string> Subsystem(string name) => Client("-T", "-s", "--", _info.SshDestination, name);

    /// <summary>Asks the master something (check, exit): ssh -O.</summary>
    public IReadOnlyList<string> Control(string operation) =>
        new[] { "-F", "/dev/null", "-o", "ControlPath=" + _dir.Socket, "-O", operation, "--", _info.SshDestination };

    /// <summary>ssh -G: the configuration ssh would use for <paramref name="host"/>, after every Host and Match block.</summary>
    public static IReadOnlyList<string> Query(string host, string? configFile) =>
        configFile is null ? new[] { "-G", "--", host } : new[] { "-F", configFile, "-G", "--", host };

    // A client that finds no master must fail rather than quietly open a connection of its own: with no config and a
    // proxy that fails at once, the fallback ends before any handshake, and the caller reconnects the master.
    private IReadOnlyList<string> Client(params string[] tail)
    {
        var a = new List<string> { "-F", "/dev/null" };
        Option(a, "BatchMode", "yes");
        Option(a, "ControlMaster", "no");
        Option(a, "ControlPath", _dir.Socket);
        Option(a, "ProxyCommand", "false");
        a.AddRange(new[] { "-e", "none" });
        a.AddRange(tail);
        return a;
    }

    private void HostKeyOptions(List<string> a)
    {
        var policy = _info.HostKeyPolicy;
        Option(a, "StrictHostKeyChecking", policy.Kind == HostKeyPolicyKind.AcceptNew ? "accept-new" : "yes");
        if (policy.Kind == HostKeyPolicyKind.Pinned)
        {
            // Only the pin is trusted: no known_hosts file is read or written.
            Option(a, "UserKnownHostsFile", "none");
            Option(a, "GlobalKnownHostsFile", "none");
        }
        else if (_info.KnownHostsFileGiven)
        {
            Option(a, "UserKnownHostsFile", Quoted(_info.KnownHostsFile));
            Option(a, "GlobalKnownHostsFile", "none");
        }
        // Known keys stay as they are: only AcceptNew's first key of a new host is ever written.
        Option(a, "UpdateHostKeys", "no");
        Option(a, "FingerprintHash", "sha256");
        var pin = policy.Kind == HostKeyPolicyKind.Pinned ? "SHA256:" + policy.PinnedFingerprint : "none";
        Option(a, "KnownHostsCommand", $"/bin/sh -c {HostKeyScript} sh {_dir.HostKeyRecord} {pin} %f %H %t %K");
    }

    private static void Option(List<string> a, string name, string value)
    {
        a.Add("-o");
        a.Add(name + "=" + value);
    }

    /// <summary>
    /// A path as an ssh config value: ssh splits values at spaces (a path in double quotes stays whole) and expands %
    /// tokens in paths (%% is a literal %).
    /// </summary>
    public static string Quoted(string path) => "\"" + path.Replace("%", "%%").Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
