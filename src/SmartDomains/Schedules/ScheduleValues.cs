using System.Text.RegularExpressions;

namespace SmartDomains.Schedules;

/// <summary>
/// The types of values that reach a unit file, a cron line or a runbook. Each is refused here, before anything is
/// written, so the quoting in the renderers is a second line of defence, not the only one.
/// </summary>
public static partial class ScheduleValues
{
    /// <summary>A schedule's name: it names files and units, so only [A-Za-z0-9_.-], starting with a letter or digit.</summary>
    public static string Name(string parameter, string value) =>
        NamePattern().IsMatch(value ?? "") ? value! : throw Refused(parameter, value, "a name of letters, digits and _ . - (at most 64, starting with a letter or digit)");

    /// <summary>An absolute path with no control character and no '..' segment (on Windows, a drive path).</summary>
    public static string AbsolutePath(string parameter, string value)
    {
        var ok = !string.IsNullOrEmpty(value) && value.Length <= 4096 && !value.Any(char.IsControl) &&
                 (value.StartsWith('/') || WindowsRoot().IsMatch(value)) &&
                 !value.Split('/', '\\').Any(s => s == "..");
        return ok ? value : throw Refused(parameter, value, "an absolute path with no control character and no '..' segment");
    }

    /// <summary>A host to connect to: a DNS name or an IPv4/IPv6 address.</summary>
    public static string HostName(string parameter, string value) =>
        HostPattern().IsMatch(value ?? "") ? value! : throw Refused(parameter, value, "a host name or address of letters, digits and . - _ :");

    /// <summary>A login name as useradd takes it.</summary>
    public static string User(string parameter, string value) =>
        UserPattern().IsMatch(value ?? "") ? value! : throw Refused(parameter, value, "a user name of letters, digits and _ . - (at most 32)");

    private static ScheduleException Refused(string parameter, string? value, string what) =>
        ScheduleInterval.Invalid($"{parameter} {Pools.HostValues.Show(value ?? "")} is refused: a schedule takes {what}.");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\[][A-Za-z0-9_.:\[\]-]{0,252}$")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex UserPattern();

    [GeneratedRegex(@"^[A-Za-z]:\\")]
    private static partial Regex WindowsRoot();
}
