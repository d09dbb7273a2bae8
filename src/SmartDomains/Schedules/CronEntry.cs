namespace SmartDomains.Schedules;

/// <summary>
/// A schedule's crontab entry: a marker comment naming the schedule and the job line. Editing a crontab removes exactly
/// the lines a manifest recorded and keeps every other line as it was.
/// </summary>
public static class CronEntry
{
    public static string Marker(string name) =>
        $"# SmartDomains schedule {name} (Register-XenPoolSchedule; Unregister-XenPoolSchedule removes this line and the next)";

    /// <summary>The job line; <paramref name="user"/> is the sixth field of a /etc/cron.d file, null in a user crontab.</summary>
    public static string Line(ScheduleSpec s, string? user = null) =>
        s.Every.ToCron() + (user is null ? "" : " " + user) + " " +
        "PATH=" + ScheduleQuoting.Cron(s.SearchPath) + " " + string.Join(" ", s.Command.Select(ScheduleQuoting.Cron));

    /// <summary>The lines of an entry, marker first.</summary>
    public static IReadOnlyList<string> Lines(ScheduleSpec s, string? user = null) => new[] { Marker(s.Name), Line(s, user) };

    /// <summary><paramref name="crontab"/> with <paramref name="entry"/> appended, on a line of its own.</summary>
    public static string Add(string crontab, IReadOnlyList<string> entry)
    {
        var text = crontab.Length == 0 || crontab.EndsWith('\n') ? crontab : crontab + "\n";
        return text + string.Join("\n", entry) + "\n";
    }

    /// <summary>
    /// <paramref name="crontab"/> without the lines of <paramref name="entry"/> where they stand together, marker first;
    /// every other line, its order and its ending stay as they were.
    /// </summary>
    public static string Remove(string crontab, IReadOnlyList<string> entry, out bool found)
    {
        var lines = crontab.Split('\n').ToList();
        found = false;
        for (var i = 0; i + entry.Count <= lines.Count; i++)
        {
            if (!entry.Select((l, k) => lines[i + k].TrimEnd('\r') == l).All(x => x)) continue;
            lines.RemoveRange(i, entry.Count);
            found = true;
            i--;
        }
        return string.Join("\n", lines);
    }
}
