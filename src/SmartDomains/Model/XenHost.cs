using SmartDomains.Hosts;

namespace SmartDomains.Model;

/// <summary>A connected dom0. Carries what is needed to reconnect, so it can be passed to another runspace.</summary>
public sealed class XenHost
{
    public XenHost(HostConnectionInfo connection) => Connection = connection;

    public string Name => Connection.Name;
    public HostKind Kind => Connection.Kind;
    /// <summary>SshNet or OpenSSH for an SSH host; null for local and emulated hosts, which need none.</summary>
    public HostTransport? Transport => Connection.Kind == HostKind.Ssh ? Connection.Transport : null;
    public string ComputerName => Connection.ComputerName;
    public int Port => Connection.Port;
    public string User => Connection.User;
    public string ConfigDir => Connection.Paths.ConfigDir;
    public string ImageDir => Connection.Paths.ImageDir;
    public string StateDir => Connection.Paths.StateDir;
    /// <summary>Every path the module derives from the host's directories.</summary>
    public HostLayout Layout => new(Connection.Paths);
    /// <summary>The operator's vif hotplug script for this host, or null for xl's default (Connect-XenHost -VifScript).</summary>
    public string? VifScript => Connection.VifScript;
    /// <summary>SHA256 fingerprint of the host key seen at connect time (SSH hosts).</summary>
    public string? HostKeyFingerprint { get; set; }
    public bool Connected { get; set; }

    // Live facts from `xl info`, filled by Get-XenHost and Connect-XenHost.
    public string? XenVersion { get; set; }
    public int? NrCpus { get; set; }
    public long? TotalMemoryMiB { get; set; }
    public long? FreeMemoryMiB { get; set; }
    public int? DomainCount { get; set; }

    public HostConnectionInfo Connection { get; }

    public override string ToString() => Name;
}
