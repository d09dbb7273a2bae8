namespace SmartDomains.XlConfig;

/// <summary>
/// libxlutil's disk spec scanner (tools/libs/util/libxlu_disk_l.l, Xen 4.17), rule for rule. flex takes the longest
/// match at each position, trailing context counted, and the earlier rule on a tie; the rules' actions fill
/// <see cref="XlDiskSpecState"/>. Keeping flex's choice exact is what makes legacy specs (`phy:`, `tap:aio:`, `nbd:`,
/// `,hdc:cdrom,r`) and the refusals come out as Xen's. The rules are 4.17's: later scanners add `trusted`,
/// `untrusted` and `grant_usage=`, which 4.17 reads as a target or refuses.
/// </summary>
internal static class XlDiskSpecLexer
{
    private delegate bool Rule(string s, int pos, out int length, out int head);
    private delegate bool Action(XlDiskSpecState d, string yytext);

    private static readonly (Rule Match, Action Act)[] Rules = BuildRules();

    /// <summary>Scans the spec; returns when the input ends or an action stops the scan ("return 0").</summary>
    public static void Scan(XlDiskSpecState d)
    {
        string s = d.Spec;
        int pos = 0;
        while (pos < s.Length)
        {
            int best = -1, bestLength = 0, bestHead = 0;
            for (int r = 0; r < Rules.Length; r++)
            {
                if (Rules[r].Match(s, pos, out int length, out int head) && length > bestLength)
                    (best, bestLength, bestHead) = (r, length, head);
            }
            if (best < 0) return; // only a lone '\n' could get here, and the whitespace rule takes it
            if (!Rules[best].Act(d, s.Substring(pos, bestHead))) return;
            pos += bestHead;
        }
    }

    private static (Rule, Action)[] BuildRules()
    {
        var rules = new List<(Rule, Action)>
        {
            (Whitespace, (_, _) => true),
            (Value("format="), (d, t) => { d.SetFormat(FromEquals(Strip(t, ','))); return true; }),
            (Word("cdrom"), (d, _) => { d.IsCdrom = true; return true; }),
            (Word("devtype=cdrom"), (d, _) => { d.IsCdrom = true; return true; }),
            (Word("devtype=disk"), (d, _) => { d.IsCdrom = false; return true; }),
            (Value("devtype="), (d, t) => { d.Error(t, "unknown value for type"); return true; }),
            (Value("access="), (d, t) => { d.SetAccess(FromEquals(Strip(t, ','))); return true; }),
            (Value("backend="), Save("backend")),
            (Value("backendtype="), (d, t) => { d.SetBackendType(FromEquals(Strip(t, ','))); return true; }),
            (Value("specification="), (d, t) => { d.SetSpecification(FromEquals(Strip(t, ','))); return true; }),
            (Value("vdev="), (d, t) => { d.SaveString("vdev", FromEquals(Strip(t, ','))); return true; }),
            (Value("script="), (d, t) => { d.SaveString("script", FromEquals(Strip(t, ','))); return true; }),
        };
        foreach (var flag in new[] { "direct-io-safe", "discard", "no-discard", "colo", "no-colo" })
            rules.Add((Word(flag), (_, _) => true));
        rules.Add((Value("colo-host="), Save("colo-host")));
        rules.Add((Value("colo-port="), (d, t) => { d.SetColoPort(FromEquals(Strip(t, ','))); return true; }));
        foreach (var key in new[] { "colo-export", "active-disk", "hidden-disk" })
            rules.Add((Value(key + "="), Save(key)));
        rules.Add((Target, (d, t) => { d.SaveString("target", FromEquals(Strip(t, ','))); return true; }));
        rules.Add((UnknownParameter, (d, t) => { d.Error(t, "unknown parameter"); return true; }));
        foreach (var p in new[] { "raw", "qcow", "qcow2", "vhd" })
            rules.Add((Prefix(p), (d, t) => { d.HadDeprecatedPrefix = true; d.SetFormat(Strip(t, ':')); return true; }));
        foreach (var p in new[] { "iscsi", "nbd", "enbd", "drbd" })
            rules.Add((Prefix(p), (d, t) => { d.HadDeprecatedPrefix = true; d.SaveString("script", "block-" + Strip(t, ':')); return true; }));
        foreach (var p in new[] { "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy" })
            rules.Add((Prefix(p), (d, _) => { d.HadDeprecatedPrefix = true; return true; }));
        rules.Add((UnknownPrefix, (d, t) => { d.Error(t, "unknown deprecated disk prefix"); return false; }));
        rules.Add((Positional, (d, t) => d.Positional(Strip(t, ','))));
        // <LEXERR>.* cannot match nothing, so a bad last character ends the scan with no error.
        rules.Add((AnyChar, (d, t) => { if (t.Length > 1) d.Error(t, "bad disk syntax"); return false; }));
        return rules.ToArray();
    }

    private static Action Save(string what) => (d, t) => { d.SaveString(what, FromEquals(Strip(t, ','))); return true; };

    // [ \t\n]+/([^ \t\n].*)?   the trailing context runs to the end of the line
    private static bool Whitespace(string s, int pos, out int length, out int head)
    {
        head = 0;
        while (pos + head < s.Length && s[pos + head] is ' ' or '\t' or '\n') head++;
        int next = pos + head;
        length = head == 0 ? 0 : next < s.Length ? LineEnd(s, next) - pos : head;
        return head > 0;
    }

    // WORD,?
    private static Rule Word(string word) => (string s, int pos, out int length, out int head) =>
    {
        head = length = 0;
        if (string.CompareOrdinal(s, pos, word, 0, word.Length) != 0) return false;
        head = length = word.Length + (pos + word.Length < s.Length && s[pos + word.Length] == ',' ? 1 : 0);
        return true;
    };

    // KEY=[^,]*,?
    private static Rule Value(string key) => (string s, int pos, out int length, out int head) =>
    {
        head = length = 0;
        if (string.CompareOrdinal(s, pos, key, 0, key.Length) != 0) return false;
        int comma = s.IndexOf(',', pos + key.Length);
        head = length = comma < 0 ? s.Length - pos : comma + 1 - pos;
        return true;
    };

    // target=.*
    private static bool Target(string s, int pos, out int length, out int head)
    {
        head = length = 0;
        if (string.CompareOrdinal(s, pos, "target=", 0, 7) != 0) return false;
        head = length = LineEnd(s, pos + 7) - pos;
        return true;
    }

    // [a-z][-a-z0-9]*=[^,],?   exactly one character of value, as in the source
    private static bool UnknownParameter(string s, int pos, out int length, out int head)
    {
        head = length = 0;
        if (pos >= s.Length || !IsLower(s[pos])) return false;
        int i = pos + 1;
        while (i < s.Length && (IsLower(s[i]) || char.IsAsciiDigit(s[i]) || s[i] == '-')) i++;
        if (i + 1 >= s.Length || s[i] != '=' || s[i + 1] == ',') return false;
        i += 2;
        if (i < s.Length && s[i] == ',') i++;
        head = length = i - pos;
        return true;
    }

    // NAME:/.*   the prefix is the token; the rest of the line is trailing context
    private static Rule Prefix(string name) => (string s, int pos, out int length, out int head) =>
    {
        head = length = 0;
        if (string.CompareOrdinal(s, pos, name + ":", 0, name.Length + 1) != 0) return false;
        head = name.Length + 1;
        length = LineEnd(s, pos + head) - pos;
        return true;
    };

    // [a-z][a-z0-9]*:/([^a-z0-9].*)?
    private static bool UnknownPrefix(string s, int pos, out int length, out int head)
    {
        head = length = 0;
        if (pos >= s.Length || !IsLower(s[pos])) return false;
        int i = pos + 1;
        while (i < s.Length && (IsLower(s[i]) || char.IsAsciiDigit(s[i]))) i++;
        if (i >= s.Length || s[i] != ':') return false;
        head = i + 1 - pos;
        int next = i + 1;
        bool context = next < s.Length && s[next] != '\n' && !IsLower(s[next]) && !char.IsAsciiDigit(s[next]);
        length = context ? LineEnd(s, next) - pos : head;
        return true;
    }

    // [^=,]*,|[^=,]+,?
    private static bool Positional(string s, int pos, out int length, out int head)
    {
        int i = pos;
        while (i < s.Length && s[i] is not ('=' or ',')) i++;
        bool comma = i < s.Length && s[i] == ',';
        head = length = i - pos + (comma ? 1 : 0);
        return length > 0;
    }

    // .   then <LEXERR>.* with yymore: the error quotes the rest of the line, and the scan stops there
    private static bool AnyChar(string s, int pos, out int length, out int head)
    {
        length = s[pos] == '\n' ? 0 : 1;
        head = LineEnd(s, pos) - pos;
        return length > 0;
    }

    private static int LineEnd(string s, int from)
    {
        int nl = s.IndexOf('\n', from);
        return nl < 0 ? s.Length : nl;
    }

    private static bool IsLower(char c) => c is >= 'a' and <= 'z';

    private static string Strip(string t, char delimiter) => t.Length > 0 && t[^1] == delimiter ? t[..^1] : t;

    private static string FromEquals(string t) => t[(t.IndexOf('=') + 1)..];
}
