using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartDomains.Pools;

/// <summary>
/// One window of a schedule: days ("Mon", "Mon-Fri", "Sat,Sun", "daily") with an optional "HH:MM-HH:MM". A window whose
/// end is before its start crosses midnight and belongs to the day it starts ("Fri 19:00-07:00" runs into Saturday).
/// </summary>
public sealed partial class ScheduleWindow
{
    private static readonly string[] DayNames = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

    private ScheduleWindow(string text, bool[] days, TimeSpan? start, TimeSpan? end)
    {
        Text = text;
        _days = days;
        Start = start;
        End = end;
    }

    private readonly bool[] _days;   // indexed by DayOfWeek

    public string Text { get; }
    /// <summary>Local time of day it opens; null for the whole day.</summary>
    public TimeSpan? Start { get; }
    /// <summary>Local time of day it closes (24:00 is midnight at the end of the day); before Start when it crosses midnight.</summary>
    public TimeSpan? End { get; }
    public bool CrossesMidnight => Start is { } s && End is { } e && e < s;

    public bool HasDay(DayOfWeek day) => _days[(int)day];

    /// <summary>Is this local wall-clock time inside the window?</summary>
    public bool Contains(DateTime local)
    {
        var day = local.DayOfWeek;
        var time = local.TimeOfDay;
        if (Start is not { } start || End is not { } end) return HasDay(day);
        if (!CrossesMidnight) return HasDay(day) && time >= start && time < end;
        return (HasDay(day) && time >= start) || (HasDay(Previous(day)) && time < end);
    }

    /// <summary>The window's edges (local times where it opens or closes) on the given local date and the day after.</summary>
    public IEnumerable<DateTime> EdgesOn(DateTime date)
    {
        if (!HasDay(date.DayOfWeek)) yield break;
        if (Start is not { } start || End is not { } end)
        {
            yield return date;
            yield return date.AddDays(1);
            yield break;
        }
        yield return date + start;
        yield return CrossesMidnight ? date.AddDays(1) + end : date + end;
    }

    private static DayOfWeek Previous(DayOfWeek day) => (DayOfWeek)(((int)day + 6) % 7);

    public override string ToString() => Text;

    [GeneratedRegex(@"^\s*(?<days>[A-Za-z][A-Za-z,\- ]*?)\s*(?:\s(?<from>\d{1,2}:\d{2})\s*-\s*(?<to>\d{1,2}:\d{2}))?\s*$")]
    private static partial Regex Shape();

    public const string Rule = "a window is days (Mon, Mon-Fri, Sat,Sun or daily) with an optional HH:MM-HH:MM, such as \"Mon-Fri 19:00-07:00\"";

    /// <summary>Reads a window; null with <paramref name="error"/> saying what is wrong.</summary>
    public static ScheduleWindow? TryParse(string text, out string? error)
    {
        error = null;
        var m = Shape().Match(text);
        if (!m.Success) { error = $"'{text}' is not a window: {Rule}"; return null; }
        var days = ParseDays(m.Groups["days"].Value, out error);
        if (days is null) { error = $"'{text}' is not a window: {error}"; return null; }
        if (!m.Groups["from"].Success) return new ScheduleWindow(text.Trim(), days, null, null);
        var from = ParseTime(m.Groups["from"].Value, allowMidnightEnd: false);
        var to = ParseTime(m.Groups["to"].Value, allowMidnightEnd: true);
        if (from is null || to is null) { error = $"'{text}' is not a window: times are HH:MM from 00:00 to 23:59 (24:00 as an end)"; return null; }
        if (from == to) { error = $"'{text}' opens and closes at the same time; leave the times out for the whole day"; return null; }
        return new ScheduleWindow(text.Trim(), days, from, to);
    }

    private static bool[]? ParseDays(string text, out string? error)
    {
        error = null;
        var days = new bool[7];
        if (text.Trim().Equals("daily", StringComparison.OrdinalIgnoreCase)) return Enumerable.Repeat(true, 7).ToArray();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || ends.Any(e => Day(e) is null))
            {
                var bad = ends.Length > 2 ? part : ends.First(e => Day(e) is null);
                error = $"'{bad}' is not a day or a range of days (Mon, Tue, Wed, Thu, Fri, Sat, Sun; Mon-Fri; or daily)";
                return null;
            }
            var first = (int)Day(ends[0])!;
            var last = (int)Day(ends[^1])!;
            // A range may wrap over the week's end: Fri-Mon is Fri, Sat, Sun, Mon.
            for (var d = first; ; d = (d + 1) % 7)
            {
                days[d] = true;
                if (d == last) break;
            }
        }
        return days;
    }

    private static DayOfWeek? Day(string name)
    {
        var i = Array.FindIndex(DayNames, d => d.Equals(name, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : (DayOfWeek)i;
    }

    private static TimeSpan? ParseTime(string text, bool allowMidnightEnd)
    {
        var parts = text.Split(':');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 59) return null;
        if (h == 24 && m == 0 && allowMidnightEnd) return TimeSpan.FromHours(24);
        return h > 23 ? null : new TimeSpan(h, m, 0);
    }
}
