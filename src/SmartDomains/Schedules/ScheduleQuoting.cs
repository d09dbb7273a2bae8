namespace SmartDomains.Schedules;

/// <summary>Quoting for the three languages a schedule is written in. Values were validated before (ScheduleValues).</summary>
public static class ScheduleQuoting
{
    /// <summary>A PowerShell single-quoted string. PowerShell also ends such a string at the typographic single quotes.</summary>
    public static string PowerShell(string value)
    {
        var sb = new System.Text.StringBuilder("'");
        foreach (var c in value)
        {
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B') sb.Append(c);
            sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>
    /// One word of a systemd command line or Environment= value: double-quoted, with \ and " escaped, and $ and % doubled
    /// so systemd expands neither a variable nor a specifier. The executable (the first word) gets no variable expansion,
    /// so its $ stays single; systemd refuses quotes in it (SystemdExecutable checks that first).
    /// </summary>
    public static string Systemd(string value, bool executable = false)
    {
        if (value.Any(char.IsControl)) throw new ArgumentException("A systemd word cannot carry a control character.", nameof(value));
        var escaped = value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("%", "%%");
        return "\"" + (executable ? escaped : escaped.Replace("$", "$$")) + "\"";
    }

    /// <summary>Whether systemd takes the path as an executable: it refuses one holding quotes or backslashes.</summary>
    public static bool SystemdExecutable(string path) => !path.Any(c => c is '"' or '\'' or '\\');

    /// <summary>
    /// One word of a crontab command: quoted for sh, then every % escaped, since cron turns an unescaped % into a newline
    /// (and drops the backslash before handing the line to sh).
    /// </summary>
    public static string Cron(string value)
    {
        if (value.Any(char.IsControl)) throw new ArgumentException("A cron word cannot carry a control character.", nameof(value));
        return Remote.RemoteCommand.Quote(value).Replace("%", "\\%");
    }

    /// <summary>One argument of a Windows command line (CommandLineToArgvW rules).</summary>
    public static string Windows(string value)
    {
        if (value.Length > 0 && !value.Any(c => c is ' ' or '\t' or '"')) return value;
        var sb = new System.Text.StringBuilder("\"");
        var slashes = 0;
        foreach (var c in value)
        {
            if (c == '\\') { slashes++; continue; }
            sb.Append('\\', c == '"' ? slashes * 2 + 1 : slashes).Append(c);
            slashes = 0;
        }
        return sb.Append('\\', slashes * 2).Append('"').ToString();
    }
}
