namespace SmartDomains.Schedules;

/// <summary>
/// Where a scope keeps its schedules: the runbook, its manifest and (by default) its log under one state directory, and
/// the systemd units where that scope's manager reads them.
/// </summary>
public sealed record SchedulePaths(string StateDir, string SystemdDir, string LogDir)
{
    public string Runbook(string name) => Path.Combine(StateDir, name + ".ps1");
    public string Manifest(string name) => Path.Combine(StateDir, name + ".json");
    public string Log(string name) => Path.Combine(LogDir, name + ".jsonl");

    /// <summary>The XDG directories for User (XDG_STATE_HOME, XDG_CONFIG_HOME), the machine's for System.</summary>
    public static SchedulePaths For(ScheduleScope scope)
    {
        if (scope == ScheduleScope.System)
            return OperatingSystem.IsWindows()
                ? Windows(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData))
                : new SchedulePaths("/var/lib/SmartDomains/schedules", "/etc/systemd/system", "/var/log/SmartDomains");
        if (OperatingSystem.IsWindows()) return Windows(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var state = Path.Combine(Xdg("XDG_STATE_HOME") ?? Path.Combine(home, ".local", "state"), "SmartDomains", "schedules");
        var config = Xdg("XDG_CONFIG_HOME") ?? Path.Combine(home, ".config");
        return new SchedulePaths(state, Path.Combine(config, "systemd", "user"), state);
    }

    private static SchedulePaths Windows(string root)
    {
        var dir = Path.Combine(root, "SmartDomains", "schedules");
        return new SchedulePaths(dir, dir, dir);
    }

    // XDG says a relative value is to be ignored.
    private static string? Xdg(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v && Path.IsPathRooted(v) ? v : null;
}
