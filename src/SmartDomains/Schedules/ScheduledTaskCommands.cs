namespace SmartDomains.Schedules;

/// <summary>The schtasks calls of a Windows schedule. Windows is not tested here (no Windows machine in CI).</summary>
public static class ScheduledTaskCommands
{
    public static string TaskName(string name) => @"\SmartDomains\" + name;

    public static IReadOnlyList<string> Create(ScheduleSpec s)
    {
        var minutes = (int)s.Every.Span.TotalMinutes;
        var (unit, modifier) = minutes % 60 == 0 ? ("HOURLY", minutes / 60) : ("MINUTE", minutes);
        var run = string.Join(" ", s.Command.Select(ScheduleQuoting.Windows));
        var args = new List<string> { "/Create", "/F", "/TN", TaskName(s.Name), "/SC", unit, "/MO", modifier.ToString(System.Globalization.CultureInfo.InvariantCulture), "/TR", run };
        if (s.Scope == ScheduleScope.System) args.AddRange(new[] { "/RU", "SYSTEM" });
        return args;
    }

    public static IReadOnlyList<string> Delete(string name) => new[] { "/Delete", "/F", "/TN", TaskName(name) };
}
