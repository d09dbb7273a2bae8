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

    /// <summary>SSH.NET in the process (the default), or the system's ssh with a master connection per host.</summary>
    [Parameter(ParameterSetName = SshSet)]
    public HostTransport Transport { get; set; } = HostTransport.SshNet;

    /// <summary>The ssh config to read instead of ~/.ssh/config and /etc/ssh/ssh_config (ssh -F), for either transport.</summary>
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? SshConfigFile { get; set; }

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
    private readonly List<Task<HostConnectionInfo?>> _resolving = new();

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
                CheckTransport();
                // ssh -G runs for every name at once: a process each, so a fleet is not asked one host after another.
                foreach (var name in ComputerName) _resolving.Add(ResolveAsync(CheckedName(name), policy));
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
        foreach (var resolving in _resolving)
        {
            try { _targets.Add(resolving.GetAwaiter().GetResult()!); }
            catch (XenHostException ex) { WriteError(ToErrorRecord(ex, ex.Host)); }
        }
        while (_warnings.TryDequeue(out var warning)) WriteWarning(warning);
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

    /// <summary>-Transport OpenSSH needs an ssh client with ControlMaster, and cannot take a password: it never prompts.</summary>
    private void CheckTransport()
    {
        var config = SshConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(SshConfigFile);
        if (SshConfigFileErrors.Missing(config) is { } missing) ThrowTerminatingError(missing);
        if (Transport != HostTransport.OpenSSH) return;
        string? refusal = null;
        if (Credential is not null)
            refusal = "-Credential cannot be used with -Transport OpenSSH: OpenSSH runs in batch mode and never asks for a password. Log in with a key, an ssh-agent, a certificate or Kerberos, or use -Transport SshNet.";
        else if (OperatingSystem.IsWindows())
            refusal = "-Transport OpenSSH needs connection sharing (ControlMaster), which OpenSSH for Windows does not have. Use -Transport SshNet.";
        else if (SmartDomains.Transport.OpenSsh.OpenSshClient.Ssh is null)
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("-Transport OpenSSH runs the system's ssh, and this machine has none on PATH (Debian: apt-get install openssh-client)."),
                XenErrorIds.ToolMissing, ErrorCategory.NotInstalled, "ssh"));
        if (refusal is not null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(refusal), XenErrorIds.HostArgumentInvalid, ErrorCategory.InvalidArgument, Transport));
    }

    // ssh takes a name that starts with '-' as an option, and a blank splits it: neither is a host.
    private string CheckedName(string name)
    {
        if (name.StartsWith('-') || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-ComputerName '{name}' is not a host name, address or ssh config alias."),
                XenErrorIds.HostArgumentInvalid, ErrorCategory.InvalidArgument, name));
        return name;
    }

    // Everything PowerShell's state gives is read here, on the pipeline thread, before the first await.
    private async Task<HostConnectionInfo?> ResolveAsync(string computerName, HostKeyPolicy policy)
    {
        var configFile = SshConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(SshConfigFile);
        var keyFile = KeyFile is not null ? GetUnresolvedProviderPathFromPSPath(KeyFile) : null;
        var bound = MyInvocation.BoundParameters;
        int? port = bound.ContainsKey(nameof(Port)) ? Port : null;
        var user = bound.ContainsKey(nameof(User)) ? User : Credential?.UserName is { Length: > 0 } u ? u : null;
        var transport = Transport;
        var knownHosts = KnownHostsFile is not null ? GetUnresolvedProviderPathFromPSPath(KnownHostsFile) : Hosts.KnownHostsFile.DefaultPath;
        var (knownHostsGiven, timeout, paths, vifScript) = (KnownHostsFile is not null, TimeSpan.FromSeconds(ConnectTimeoutSeconds), Paths(), VifScript);
        var credential = Credential?.GetNetworkCredential();

        var config = await SmartDomains.Transport.OpenSsh.SshHostConfig.QueryAsync(computerName, configFile, Cancellation).ConfigureAwait(false);
        if (transport == HostTransport.SshNet && config is { UsesProxy: true })
            _warnings.Enqueue($"The ssh config reaches {computerName} through {config.ProxyJump ?? config.ProxyCommand}, which SSH.NET does not follow: it connects to {config.HostName} directly. Use -Transport OpenSSH to go the config's way.");
        var endpoint = SshEndpoint.Resolve(computerName, config, port, user, keyFile, transport, credential is not null,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.UserName, File.Exists);
        return new HostConnectionInfo
        {
            Name = port is { } p && p != 22 ? $"{computerName}:{p}" : computerName,
            Kind = HostKind.Ssh,
            Transport = transport,
            ComputerName = endpoint.ComputerName,
            ConfigHost = endpoint.ComputerName == computerName ? null : computerName,
            SshConfigFile = configFile,
            Port = endpoint.Port,
            User = endpoint.User,
            KeyFile = endpoint.KeyFile,
            HostKeyPolicy = policy,
            KnownHostsFile = knownHosts,
            KnownHostsFileGiven = knownHostsGiven,
            ConnectTimeout = timeout,
            Paths = paths,
            VifScript = vifScript,
        }.WithCredential(credential);
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    private HostPaths Paths() => new(ConfigDir, ImageDir, StateDir, XlLogDir);

    private static bool SameEndpoint(HostConnectionInfo a, HostConnectionInfo b) =>
        a.Kind == b.Kind && a.Transport == b.Transport && a.ConfigHost == b.ConfigHost && a.SshConfigFile == b.SshConfigFile &&
        a.ComputerName == b.ComputerName && a.Port == b.Port && a.User == b.User && a.KeyFile == b.KeyFile &&
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
