using System.Text.RegularExpressions;
using SmartDomains.Model;

namespace SmartDomains.Xl;

/// <summary>
/// Parses `xl info` (tools/xl/xl_info.c): lines "key&lt;padded to 23&gt;: value", in the order host release version
/// machine nr_cpus ... xend_config_format. Memory is in MiB. `xl info -n` tables (cpu_topology, device topology,
/// numa_info) are kept as the multi-line value of their key.
/// </summary>
public static partial class XlInfoParser
{
    private const string Command = "xl info";
    private const int KeyWidth = 23;

    /// <summary>The keys every `xl info` prints when libxl works; the typed fields come from them.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys = new[] { "host", "release", "machine", "nr_cpus", "total_memory", "free_memory" };

    // Section keys printed with printf (not maybe_printf) by `xl info -n`, each followed by a table.
    private static readonly HashSet<string> TableKeys = new(StringComparer.Ordinal) { "cpu_topology", "device topology", "numa_info" };

    [GeneratedRegex(@"^[a-z][a-z0-9_]*( [a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyRegex();

    [GeneratedRegex(@"^(?<key>[a-z][a-z0-9_]*) *:(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LongKeyRegex();

    /// <summary>Parses the full `xl info` output.</summary>
    public static XenHostInfo Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) throw XlText.Unparsable(Command, host, 0, null, "the output is empty");

        var values = new List<KeyValuePair<string, string>>(lines.Count);
        var seen = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        string? tableKey = null;
        var table = new List<string>();

        void FlushTable()
        {
            if (tableKey == null) return;
            int idx = values.FindLastIndex(kv => kv.Key == tableKey);
            values[idx] = new(tableKey, string.Join("\n", table));
            seen[tableKey] = (values[idx].Value, seen[tableKey].Line);
            tableKey = null;
            table.Clear();
        }

        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            string? key = null, value = null;
            if (line.Length >= KeyWidth + 1 && line[KeyWidth] == ':')
            {
                string k = line.Substring(0, KeyWidth).TrimEnd();
                if (KeyRegex().IsMatch(k))
                {
                    key = k;
                    value = StripOneSpace(line.Substring(KeyWidth + 1));
                }
            }
            if (key == null && tableKey != null && line.Trim().Length > 0)
            {
                table.Add(line);
                continue;
            }
            if (key == null)
            {
                // A key longer than xl's 23 columns would not be padded; accept it, but nothing else.
                var m = LongKeyRegex().Match(line);
                if (!m.Success || m.Groups["key"].Value.Length < KeyWidth)
                    throw XlText.Unparsable(Command, host, i + 1, line, "expected 'key : value'");
                key = m.Groups["key"].Value;
                value = StripOneSpace(m.Groups["value"].Value);
            }

            FlushTable();
            if (seen.ContainsKey(key))
                throw XlText.Unparsable(Command, host, i + 1, line, $"the key '{key}' appears twice");
            values.Add(new(key, value!));
            seen[key] = (value!, i + 1);
            if (TableKeys.Contains(key) && value!.Length == 0) tableKey = key;
        }
        FlushTable();

        foreach (var required in RequiredKeys)
            if (!seen.ContainsKey(required))
                throw XlText.Unparsable(Command, host, 0, null, $"the key '{required}' is missing");

        int Int(string key)
        {
            var (v, ln) = seen[key];
            if (!XlText.TryUInt(v, out var n)) throw XlText.Unparsable(Command, host, ln, lines[ln - 1], $"'{key}' is not a whole number");
            return n;
        }
        long Long(string key)
        {
            var (v, ln) = seen[key];
            if (!XlText.TryULong(v, out var n)) throw XlText.Unparsable(Command, host, ln, lines[ln - 1], $"'{key}' is not a whole number");
            return n;
        }

        string version;
        if (seen.TryGetValue("xen_version", out var xv)) version = xv.Value;
        else if (seen.TryGetValue("xen_major", out var maj) && seen.TryGetValue("xen_minor", out var min))
            version = $"{maj.Value}.{min.Value}{(seen.TryGetValue("xen_extra", out var ex) ? ex.Value : "")}";
        else throw XlText.Unparsable(Command, host, 0, null, "neither 'xen_version' nor 'xen_major'/'xen_minor' is present");

        return new XenHostInfo
        {
            HostName = seen["host"].Value,
            Release = seen["release"].Value,
            Machine = seen["machine"].Value,
            NrCpus = Int("nr_cpus"),
            TotalMemoryMiB = Long("total_memory"),
            FreeMemoryMiB = Long("free_memory"),
            XenVersion = version,
            Values = values,
        };
    }

    /// <summary>
    /// Parses `xl info KEY`, which prints the value alone. xl selects lines by prefix (so `xl info xen` prints
    /// several values) and prints nothing for an unknown key: both are errors here. An empty value
    /// (e.g. xen_extra on a release build) is a single empty line and returns "".
    /// </summary>
    public static string ParseValue(string text, string key, string host)
    {
        string command = $"xl info {key}";
        if (string.IsNullOrEmpty(text))
            throw XlText.Unparsable(command, host, 0, null, $"xl printed nothing: '{key}' is not an xl info key");
        // Only strip the one newline xl adds: a value of "" is printed as "\n".
        string body = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
            : text.EndsWith('\n') ? text[..^1] : text;
        if (body.Contains('\n'))
        {
            var lines = XlText.Lines(text);
            throw XlText.Unparsable(command, host, 2, lines.Count > 1 ? lines[1] : null,
                $"xl printed {lines.Count} values: '{key}' is a prefix of several keys");
        }
        return body;
    }

    private static string StripOneSpace(string s) => s.StartsWith(' ') ? s.Substring(1) : s;
}
