using System.Net;

namespace SmartDomains.Hosts;

/// <summary>Everything needed to open (or reopen, in another runspace) a connection to one host.</summary>
public sealed class HostConnectionInfo
{
    public required string Name { get; init; }
    public HostKind Kind { get; init; } = HostKind.Ssh;
    /// <summary>SSH hosts only: SSH.NET or the system's OpenSSH client.</summary>
    public HostTransport Transport { get; init; } = HostTransport.SshNet;
    /// <summary>The address the host resolved to (an ssh config's HostName, or the name as given).</summary>
    public string ComputerName { get; init; } = "";
    /// <summary>
    /// The name as the operator gave it, which ssh config Host patterns match (an alias); OpenSSH connects to this name, so
    /// its ProxyJump, IdentityFile and other settings apply. Null where it is <see cref="ComputerName"/>.
    /// </summary>
    public string? ConfigHost { get; init; }
    /// <summary>The ssh config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config (ssh -F); null for ssh's own.</summary>
    public string? SshConfigFile { get; init; }
    public int Port { get; init; } = 22;
    public string User { get; init; } = "root";
    public string? KeyFile { get; init; }
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;
    public string KnownHostsFile { get; init; } = Hosts.KnownHostsFile.DefaultPath;
    /// <summary>
    /// True when the operator named <see cref="KnownHostsFile"/>: OpenSSH then checks that file alone. Otherwise OpenSSH reads
    /// the files its config names (UserKnownHostsFile, GlobalKnownHostsFile, with their @cert-authority lines).
    /// </summary>
    public bool KnownHostsFileGiven { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Per-command timeout; a hung xl call fails instead of blocking forever.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public HostPaths Paths { get; init; } = HostPaths.XenDefaults;
    /// <summary>The vif hotplug script every domain on this host gets (an operator setting from an allow-list), or null for xl's default.</summary>
    public string? VifScript { get; init; }
    /// <summary>Where base images come from when no repository is given (<see cref="StandInImages"/>); only emulated hosts have one.</summary>
    public string? DefaultImages { get; init; }
    /// <summary>Environment given to every command (Local and Emulator hosts only; sshd ignores client environment).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The password, if any. Kept out of every property PowerShell formats or serialises.</summary>
    private NetworkCredential? _credential;
    internal NetworkCredential? Credential => _credential;
    public bool HasPassword => _credential is not null;

    public HostConnectionInfo WithCredential(NetworkCredential? credential)
    {
        _credential = credential;
        return this;
    }

    /// <summary>What OpenSSH is asked to connect to: the alias when one was given.</summary>
    public string SshDestination => ConfigHost ?? ComputerName;

    public override string ToString() => Kind == HostKind.Ssh ? $"{User}@{ComputerName}:{Port}" : $"{Kind}:{Name}";
}

/// <summary>Where a host keeps xl configs, images and the module's state. Xen's usual defaults unless told otherwise.</summary>
/// <param name="XlLogDir">xl's XEN_LOG_DIR, where each domain's monitor logs its shutdowns (xl-NAME.log).</param>
public sealed record HostPaths(string ConfigDir, string ImageDir, string StateDir, string XlLogDir = HostPaths.DefaultXlLogDir)
{
    public const string DefaultXlLogDir = "/var/log/xen";
    public static readonly HostPaths XenDefaults = new("/etc/xen", "/var/lib/xen/images", "/var/lib/smartdomains");
}
