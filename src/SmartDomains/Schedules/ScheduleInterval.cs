using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartDomains.Schedules;

/// <summary>How often a runbook runs: "30s", "15m", "2h"; at least a minute, since cron counts in minutes.</summary>
public sealed partial record ScheduleInterval(TimeSpan Span)
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Maximum = TimeSpan.FromDays(1);

    public static ScheduleInterval Parse(string text)
    {
        var m = Pattern().Match(text ?? "");
        if (!m.Success)
            throw Invalid($"'{text}' is not a duration. Use a number and s, m or h, such as 15m or 2h.");
        var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = m.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), _ => TimeSpan.FromHours(n) };
        if (span < Minimum || span > Maximum)
            throw Invalid($"-Every {text} is out of range: a schedule runs at most once a minute and at least once a day.");
        return new ScheduleInterval(span);
    }

    /// <summary>Seconds, the unit systemd reads without ambiguity.</summary>
    public string ToSystemd() => ((long)Span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>The cron time fields, or a refusal: cron repeats only within an hour or a day.</summary>
    public string ToCron()
    {
        if (Span.Ticks % TimeSpan.TicksPerMinute != 0)
            throw Invalid($"cron counts in whole minutes; -Every {this} is not one.");
        var minutes = (int)Span.TotalMinutes;
        if (minutes < 60 && 60 % minutes == 0) return minutes == 1 ? "* * * * *" : $"*/{minutes} * * * *";
        if (minutes % 60 == 0 && 24 % (minutes / 60) == 0) return minutes == 60 ? "0 * * * *" : $"0 */{minutes / 60} * * *";
        throw Invalid($"cron cannot repeat every {this}: use a divisor of 60 minutes (1m, 5m, 15m, 30m...) or of 24 hours (1h, 2h, 6h...).");
    }

    /// <summary>The next time cron's fields fire after <paramref name="after"/> (local time, as cron reads them).</summary>
    public DateTimeOffset NextCronRun(DateTimeOffset after)
    {
        var minutes = (int)Span.TotalMinutes;
        var t = after.AddSeconds(-after.Second).AddMilliseconds(-after.Millisecond).AddMinutes(1);
        while (minutes < 60 ? t.Minute % minutes != 0 : t.Minute != 0 || t.Hour % (minutes / 60) != 0) t = t.AddMinutes(1);
        return t;
    }

    public static ScheduleException Invalid(string message) => new(XenErrorIds.ScheduleInvalid, message);

    public override string ToString() =>
        Span.TotalHours >= 1 && Span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)Span.TotalHours}h"
        : Span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)Span.TotalMinutes}m" : $"{(long)Span.TotalSeconds}s";

    [GeneratedRegex(@"^([1-9][0-9]{0,5})([smh])$")]
    private static partial Regex Pattern();
}
