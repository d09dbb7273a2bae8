using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Pools;
using SmartDomains.Schedules;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Installs an unattended runbook that runs Sync-XenPool on a pool file every -Every: a systemd timer, cron, or a task.</summary>
[Cmdlet(VerbsLifecycle.Register, "XenPoolSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = SshSet)]
[OutputType(typeof(XenPoolSchedule))]
public sealed class RegisterXenPoolScheduleCommand : XenCmdlet
{
    private const string SshSet = "Ssh";
    private const string EmulatorSet = "Emulator";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Every { get; set; } = "";

    [Parameter(Mandatory = true)]
    [Alias("ComputerName", "Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] XenHost { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? KeyFile { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? User { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 22;

    [Parameter(ParameterSetName = SshSet)]
    [ArgumentCompleter(typeof(HostKeyPolicyCompleter))]
    [ValidateNotNull]
    public HostKeyPolicyArgument? HostKeyPolicy { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? KnownHostsFile { get; set; }

    [Parameter(ParameterSetName = SshSet)]
    public HostTransport Transport { get; set; } = HostTransport.SshNet;

    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? SshConfigFile { get; set; }

    [Parameter(ParameterSetName = EmulatorSet, Mandatory = true)]
    public SwitchParameter Emulator { get; set; }

    [Parameter(ParameterSetName = EmulatorSet)]
    [ValidateNotNullOrEmpty]
    public string? EmulatorRoot { get; set; }

    [Parameter]
    public ScheduleScope Scope { get; set; } = ScheduleScope.User;

    /// <summary>The scheduler; default: systemd where its manager answers, cron elsewhere, the task scheduler on Windows.</summary>
    [Parameter]
    public ScheduleKind? Kind { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Repository { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRepository { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    protected override void EndProcessing()
    {
        var installer = new ScheduleInstaller(ProcessSchedulerHost.Instance);
        var plan = Guard(() => SchedulePlan.For(Spec(installer)));
        var s = plan.Spec;
        if (WhatIfRequested)
        {
            foreach (var f in plan.Files) ShouldProcess(f.Path, $"Write file:\n{f.Content}");
            if (plan.CrontabLines.Count > 0) ShouldProcess("the crontab of " + Environment.UserName, "Add lines:\n" + string.Join("\n", plan.CrontabLines));
            foreach (var c in plan.Commands) ShouldProcess(s.Name, "Run " + string.Join(" ", c));
            ShouldProcess(s.Paths.Manifest(s.Name), "Write the schedule's manifest");
            return;
        }
        if (!ShouldChange(s.Name, $"Register schedule {s.Name}: Sync-XenPool of {s.Pool} every {s.Every} ({s.Kind}, {s.Scope})", false)) return;
        // Registering a name again replaces it: what the old manifest lists goes first.
        if (Guard(() => ScheduleManifest.Load(s.Paths, s.Name)) is { } old)
            foreach (var p in installer.Uninstall(old, s.Paths)) WriteWarning($"Replacing schedule {s.Name}: {p}");
        var manifest = Guard(() => installer.Install(plan));
        WriteObject(XenPoolSchedule.From(manifest));
    }

    private ScheduleSpec Spec(ScheduleInstaller installer)
    {
        var poolPath = GetUnresolvedProviderPathFromPSPath(Path);
        PoolDefinition pool;
        try { pool = new PoolLoader(TemplateSearchPath.Current).LoadFile(poolPath); }
        catch (XenHostException ex) { ThrowTerminatingError(ToErrorRecord(ex, poolPath)); throw; }
        var name = Name ?? pool.Name;
        var paths = SchedulePaths.For(Scope);
        var pwsh = RunbookHost.Pwsh();
        return new ScheduleSpec
        {
            Name = name,
            Pool = pool.Name,
            PoolPath = poolPath,
            Every = ScheduleInterval.Parse(Every),
            Scope = Scope,
            Kind = Kind ?? installer.Detect(Scope),
            Connection = Connection(),
            Repository = Resolve(Repository),
            ImageRepository = Resolve(ImageRepository),
            Paths = paths,
            LogPath = Resolve(LogPath) ?? paths.Log(name),
            ModulePath = RunbookHost.ModuleManifest,
            Pwsh = pwsh,
            SearchPath = RunbookHost.SearchPath(pwsh),
        };
    }

    private ScheduleConnection Connection()
    {
        if (Emulator)
            return new ScheduleConnection
            {
                Emulator = true, Hosts = XenHost,
                EmulatorRoot = Resolve(EmulatorRoot) ?? SmartDomains.Hosts.EmulatedHost.DefaultRoot,
            };
        if (HostKeyPolicy is { Policy: null })
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(SmartDomains.Hosts.HostKeyPolicy.Refusal(HostKeyPolicy.Text)),
                XenErrorIds.HostKeyPolicyInvalid, ErrorCategory.InvalidArgument, HostKeyPolicy.Text));
        return new ScheduleConnection
        {
            Hosts = XenHost, Port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : null, User = User, KeyFile = Resolve(KeyFile), HostKeyPolicy = HostKeyPolicy?.Policy,
            KnownHostsFile = Resolve(KnownHostsFile), Transport = Transport, SshConfigFile = ExistingSshConfig(),
        };
    }

    /// <summary>A missing ssh config would fail every pass unattended: it is refused now, as Connect-XenHost refuses it.</summary>
    private string? ExistingSshConfig()
    {
        var config = Resolve(SshConfigFile);
        if (SshConfigFileErrors.Missing(config) is { } missing) ThrowTerminatingError(missing);
        return config;
    }

    private string? Resolve(string? path) => path is null ? null : GetUnresolvedProviderPathFromPSPath(path);

    private T Guard<T>(Func<T> work)
    {
        try { return work(); }
        catch (ScheduleException ex)
        {
            ThrowTerminatingError(ScheduleErrors.Record(ex, Name ?? Path));
            throw;
        }
    }
}
