using System.Text.RegularExpressions;

namespace SmartDomains.Xl;

/// <summary>One row of `xl uptime`.</summary>
/// <param name="Name">The domain name; null when xl printed "(null)".</param>
/// <param name="DomId">The domain id.</param>
/// <param name="Uptime">How long the domain has run (Domain-0: the host's /proc/uptime). Whole seconds, or whole
/// minutes for `xl uptime -s`.</param>
public sealed record XlUptime(string? Name, int DomId, TimeSpan Uptime);

/// <summary>
/// Parses `xl uptime` (tools/xl/xl_misc.c): header "%-33s %4s %s" (Name ID Uptime), rows "%-33s %4d %s" where the
/// uptime is "%d days, %2d:%02d:%02d", "%d day, %2d:%02d:%02d" or "%2d:%02d:%02d". Also accepts the short form of
/// `xl uptime -s`: " HH:MM:SS up [N day(s), ]%2d:%02d, NAME (ID)", which has no header.
/// </summary>
public static partial class XlUptimeParser
{
    private const string Command = "xl uptime";

    [GeneratedRegex(@"^ \d{2}:\d{2}:\d{2} up (?:(?<days>\d+) days?, )?\s*(?<h>\d+):(?<m>\d{2}), (?<name>.+) \((?<id>\d+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortRow();

    public static IReadOnlyList<XlUptime> Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl always prints a header)");

        var result = new List<XlUptime>(lines.Count);
        if (!XlText.Words(lines[0]).SequenceEqual(new[] { "Name", "ID", "Uptime" }))
        {
            // `xl uptime -s` prints no header; every row starts with the current time.
            if (!lines[0].StartsWith(' ') || !lines[0].Contains(" up "))
                throw XlText.Unparsable(Command, host, 1, lines[0], "the header is not xl's 'Name ID Uptime'");
            for (int i = 0; i < lines.Count; i++)
                result.Add(ParseShort(lines[i], i + 1, host));
            return result;
        }

        for (int i = 1; i < lines.Count; i++)
            result.Add(ParseRow(lines[i], i + 1, host));
        return result;
    }

    private static XlUptime ParseRow(string line, int lineNo, string host)
    {
        XenHostException Bad(string reason) => XlText.Unparsable(Command, host, lineNo, line, reason);

        var t = new XlText.RightTokens(line);
        if (!t.TryPop(out var hms) || !TryHms(hms, out var h, out var m, out var s))
            throw Bad("the uptime does not end in H:MM:SS");
        long days = 0;
        if (t.TryPeek(out var unit) && unit is "day," or "days,")
        {
            t.TryPop(out _);
            if (!t.TryPop(out var d) || !XlText.TryULong(d, out days)) throw Bad("the day count is not a number");
        }
        if (!t.TryPop(out var idText) || !XlText.TryUInt(idText, out var domid)) throw Bad("the ID column is not a number");
        string name = t.Rest();
        if (name.Length == 0) throw Bad("the Name column is empty");
        return new XlUptime(XlText.NullableName(name), domid, new TimeSpan((int)days, h, m, s));
    }

    private static XlUptime ParseShort(string line, int lineNo, string host)
    {
        var m = ShortRow().Match(line);
        if (!m.Success || !XlText.TryUInt(m.Groups["id"].Value, out var domid) ||
            !XlText.TryUInt(m.Groups["h"].Value, out var h) || !XlText.TryUInt(m.Groups["m"].Value, out var min) || min > 59)
            throw XlText.Unparsable(Command, host, lineNo, line, "expected ' HH:MM:SS up [N days, ]H:MM, NAME (ID)'");
        int days = m.Groups["days"].Success && XlText.TryUInt(m.Groups["days"].Value, out var d) ? d : 0;
        return new XlUptime(XlText.NullableName(m.Groups["name"].Value), domid, new TimeSpan(days, h, min, 0));
    }

    private static bool TryHms(string s, out int h, out int m, out int sec)
    {
        h = m = sec = 0;
        var parts = s.Split(':');
        return parts.Length == 3 && parts[1].Length == 2 && parts[2].Length == 2 &&
               XlText.TryUInt(parts[0], out h) && XlText.TryUInt(parts[1], out m) && XlText.TryUInt(parts[2], out sec) &&
               m < 60 && sec < 60;
    }
}
