using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Model;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Opens and caches a connection to one or more dom0 hosts: over SSH, on this machine, or emulated.</summary>
[Cmdlet(VerbsCommunications.Connect, "XenHost", DefaultParameterSetName = SshSet)]
[OutputType(typeof(XenHost))]
public sealed class ConnectXenHostCommand : XenCmdlet
{
    private const string SshSet = "Ssh";
    private const string LocalSet = "Local";
    private const string EmulatorSet = "Emulator";

    [Parameter(ParameterSetName = SshSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "Address")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = SshSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 22;

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string User { get; set; } = "root";

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? KeyFile { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ArgumentCompleter(typeof(HostKeyPolicyCompleter))]
    [ValidateNotNull]
    public HostKeyPolicyArgument HostKeyPolicy { get; set; } = new(Hosts.HostKeyPolicy.Strict);

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? KnownHostsFile { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ValidateRange(1, 600)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    [Parameter(ParameterSetName = LocalSet, Mandatory = true)]
    public SwitchParameter Local { get; set; }

    [Parameter(ParameterSetName = EmulatorSet, Mandatory = true)]
    public SwitchParameter Emulator { get; set; }

    /// <summary>Names of emulated hosts (Emulator), or the name to give this machine (Local).</summary>
    [Parameter(ParameterSetName = EmulatorSet, Position = 0)]
    [Parameter(ParameterSetName = LocalSet, Position = 0)]
    [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Where emulated hosts keep their state; default ~/.local/share/SmartDomains/emulator.</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    [ValidateNotNullOrEmpty]
    public string? EmulatorRoot { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string ConfigDir { get; set; } = HostPaths.XenDefaults.ConfigDir;

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string ImageDir { get; set; } = HostPaths.XenDefaults.ImageDir;

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string StateDir { get; set; } = HostPaths.XenDefaults.StateDir;

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string XlLogDir { get; set; } = HostPaths.DefaultXlLogDir;

    /// <summary>
    /// The vif hotplug script every domain on the host gets: one of Xen's (vif-bridge, vif-route, vif-nat, vif-openvswitch,
    /// vif2) or a script under /etc/xen/scripts/. An operator setting, never a pool value.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? VifScript { get; set; }

    /// <summary>Replace a cached connection to the same host instead of reusing it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private readonly List<HostConnectionInfo> _targets = new();

    protected override void BeginProcessing()
    {
        // Host settings reach every command on the host: typed like pool values, refused before anything connects.
        if (VifScript is not null) Refuse(nameof(VifScript), VifScript, SmartDomains.Pools.HostValues.VifScript);
        if (ParameterSetName == EmulatorSet) return;
        Refuse(nameof(ConfigDir), ConfigDir, SmartDomains.Pools.HostValues.AbsolutePath);
        Refuse(nameof(ImageDir), ImageDir, SmartDomains.Pools.HostValues.AbsolutePath);
        Refuse(nameof(StateDir), StateDir, SmartDomains.Pools.HostValues.AbsolutePath);
        Refuse(nameof(XlLogDir), XlLogDir, SmartDomains.Pools.HostValues.AbsolutePath);
    }

    private void Refuse(string parameter, string value, SmartDomains.Pools.HostValueType type)
    {
        if (type.IsValid(value)) return;
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(type.Refusal("-" + parameter, value)), XenErrorIds.HostSettingInvalid, ErrorCategory.InvalidArgument, value));
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case SshSet:
                var policy = ParsePolicy();
                foreach (var name in ComputerName) _targets.Add(SshInfo(name, policy));
                break;
            case LocalSet:
                foreach (var name in Name.Length == 0 ? new[] { Environment.MachineName } : Name)
                    _targets.Add(new HostConnectionInfo { Name = name, Kind = HostKind.Local, ComputerName = "localhost", User = Environment.UserName, Paths = Paths(), VifScript = VifScript });
                break;
            case EmulatorSet:
                var root = EmulatorRoot is null ? EmulatedHost.DefaultRoot : GetUnresolvedProviderPathFromPSPath(EmulatorRoot);
                foreach (var name in Name.Length == 0 ? new[] { "emu1" } : Name)
                    _targets.Add(Guard(() => EmulatedHost.CreateInfo(name, root, ModulePaths.EmulatorDir, VifScript), name));
                break;
        }
    }

    protected override void EndProcessing()
    {
        var connections = new List<HostConnection>();
        foreach (var info in _targets.Where(t => t is not null))
        {
            if (!Force && Registry.TryGet(info.Name, out var cached) && SameEndpoint(cached.Host.Connection, info))
                connections.Add(cached);
            else
                connections.Add(HostConnection.Create(info));
        }

        var connected = CollectFromHosts(connections, async (connection, pump) =>
        {
            await connection.ConnectAsync(Cancellation).ConfigureAwait(false);
            pump.Post(() => Registry.Set(connection));
            try
            {
                await HostFacts.RefreshAsync(connection, Cancellation).ConfigureAwait(false);
            }
            catch (XenHostException ex) when (ex.ErrorId != XenErrorIds.HostUnreachable)
            {
                pump.Post(() => WriteWarning($"Connected to {connection.Name}, but could not read its facts: {ex.Message}"));
            }
            return connection.Host;
        });
        foreach (var (_, host) in connected) WriteObject(host);
    }

    private HostKeyPolicy ParsePolicy()
    {
        if (HostKeyPolicy.Policy is null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(Hosts.HostKeyPolicy.Refusal(HostKeyPolicy.Text)),
                XenErrorIds.HostKeyPolicyInvalid, ErrorCategory.InvalidArgument, HostKeyPolicy.Text));
        return HostKeyPolicy.Policy!;
    }

    private HostConnectionInfo SshInfo(string computerName, HostKeyPolicy policy)
    {
        var keyFile = KeyFile is not null ? GetUnresolvedProviderPathFromPSPath(KeyFile) : Credential is null ? DefaultKeyFile() : null;
        var knownHosts = KnownHostsFile is not null ? GetUnresolvedProviderPathFromPSPath(KnownHostsFile) : Hosts.KnownHostsFile.DefaultPath;
        var info = new HostConnectionInfo
        {
            Name = Port == 22 ? computerName : $"{computerName}:{Port}",
            Kind = HostKind.Ssh,
            ComputerName = computerName,
            Port = Port,
            User = Credential?.UserName is { Length: > 0 } u && !MyInvocation.BoundParameters.ContainsKey(nameof(User)) ? u : User,
            KeyFile = keyFile,
            HostKeyPolicy = policy,
            KnownHostsFile = knownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
            Paths = Paths(),
            VifScript = VifScript,
        };
        return info.WithCredential(Credential?.GetNetworkCredential());
    }

    private HostPaths Paths() => new(ConfigDir, ImageDir, StateDir, XlLogDir);

    private static string? DefaultKeyFile()
    {
        var ssh = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
        return new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(k => Path.Combine(ssh, k)).FirstOrDefault(File.Exists);
    }

    private static bool SameEndpoint(HostConnectionInfo a, HostConnectionInfo b) =>
        a.Kind == b.Kind && a.ComputerName == b.ComputerName && a.Port == b.Port && a.User == b.User && a.KeyFile == b.KeyFile &&
        a.HostKeyPolicy == b.HostKeyPolicy && a.Paths == b.Paths && a.VifScript == b.VifScript && !b.HasPassword;

    private HostConnectionInfo Guard(Func<HostConnectionInfo> create, string name)
    {
        try { return create(); }
        catch (XenHostException ex)
        {
            WriteError(ToErrorRecord(ex, name));
            return null!;
        }
    }
}
