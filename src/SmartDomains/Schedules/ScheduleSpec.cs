namespace SmartDomains.Schedules;

/// <summary>Everything a schedule is made of, resolved to absolute paths by the cmdlet and validated here.</summary>
public sealed record ScheduleSpec
{
    public required string Name { get; init; }
    public required string Pool { get; init; }
    public required string PoolPath { get; init; }
    public required ScheduleInterval Every { get; init; }
    public ScheduleScope Scope { get; init; } = ScheduleScope.User;
    public required ScheduleKind Kind { get; init; }
    public required ScheduleConnection Connection { get; init; }
    public string? Repository { get; init; }
    public string? ImageRepository { get; init; }
    public required SchedulePaths Paths { get; init; }
    public required string LogPath { get; init; }
    /// <summary>The module manifest the runbook imports, by absolute path, so it runs the version that registered it.</summary>
    public required string ModulePath { get; init; }
    /// <summary>The PowerShell that runs the runbook: pwsh itself, or dotnet and pwsh.dll (a dotnet tool).</summary>
    public required IReadOnlyList<string> Pwsh { get; init; }
    /// <summary>PATH for the runbook: cron and systemd start with a bare one, and emulated hosts run tar, zstd and xl.</summary>
    public required string SearchPath { get; init; }

    public string Runbook => Paths.Runbook(Name);
    public string UnitName => "smartdomains-" + Name;

    /// <summary>The command line that runs the runbook, as words.</summary>
    public IReadOnlyList<string> Command => Pwsh.Concat(new[] { "-NoProfile", "-NonInteractive", "-File", Runbook }).ToArray();

    public void Validate()
    {
        ScheduleValues.Name("-Name", Name);
        ScheduleValues.Name("the pool's name", Pool);
        foreach (var (p, v) in new[] { ("-Path", PoolPath), ("-LogPath", LogPath), ("the module", ModulePath), ("-Repository", Repository), ("-ImageRepository", ImageRepository) })
            if (v is not null) ScheduleValues.AbsolutePath(p, v);
        if (Pwsh.Count == 0) throw ScheduleInterval.Invalid("No PowerShell to run the runbook was found.");
        foreach (var w in Pwsh) ScheduleValues.AbsolutePath("the PowerShell", w);
        if (SearchPath.Any(char.IsControl)) throw ScheduleInterval.Invalid("PATH holds a control character.");
        Connection.Validate();
        if (Kind == ScheduleKind.Cron) Every.ToCron();
        if (Kind == ScheduleKind.SystemdTimer && !ScheduleQuoting.SystemdExecutable(Pwsh[0]))
            throw ScheduleInterval.Invalid($"systemd refuses an executable path with quotes or backslashes: {Pools.HostValues.Show(Pwsh[0])}.");
        if (Kind == ScheduleKind.Cron && Scope == ScheduleScope.System && Name.Contains('.'))
            throw ScheduleInterval.Invalid($"-Name {Name}: cron skips /etc/cron.d files whose name holds a '.'; use letters, digits, _ and - for a system cron schedule.");
    }
}
