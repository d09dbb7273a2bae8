using System.Globalization;

namespace SmartDomains.Xl;

/// <summary>Shared plumbing for the xl output parsers: line splitting, number parsing and the unparsable error.</summary>
internal static class XlText
{
    /// <summary>
    /// Splits text into lines. Accepts LF and CRLF, drops trailing blank lines (and a trailing newline),
    /// keeps blank lines in the middle so that the parsers can reject them.
    /// </summary>
    public static List<string> Lines(string? text)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text)) return lines;
        int start = 0;
        while (start <= text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl;
            int len = end - start;
            if (len > 0 && text[end - 1] == '\r') len--;
            lines.Add(text.Substring(start, len));
            if (nl < 0) break;
            start = nl + 1;
        }
        int last = lines.Count;
        while (last > 0 && lines[last - 1].Trim().Length == 0) last--;
        lines.RemoveRange(last, lines.Count - last);
        return lines;
    }

    /// <summary>The whitespace-separated words of a line (spaces and tabs).</summary>
    public static string[] Words(string line) =>
        line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);

    public static bool TryInt(string s, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryUInt(string s, out int value)
    {
        value = 0;
        return s.Length > 0 && s.All(char.IsAsciiDigit) &&
               int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryULong(string s, out long value)
    {
        value = 0;
        return s.Length > 0 && s.All(char.IsAsciiDigit) &&
               long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A "%.1f"-style number: digits, a dot, digits.</summary>
    public static bool TryFixed(string s, out double value)
    {
        value = 0;
        int dot = s.IndexOf('.');
        if (dot <= 0 || dot == s.Length - 1) return false;
        for (int i = 0; i < s.Length; i++)
            if (i != dot && !char.IsAsciiDigit(s[i])) return false;
        return double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>xl prints a missing name through glibc's printf("%s", NULL): "(null)".</summary>
    public static string? NullableName(string name) => name == "(null)" ? null : name;

    public static XenHostException Unparsable(string command, string? host, int lineNumber, string? line, string reason)
    {
        string where = lineNumber > 0 ? $" at line {lineNumber}" : "";
        string shown = line is null ? "" : $": '{line}'";
        return new XenHostException(
            XenErrorIds.XlOutputUnparsable, XenErrorCategory.InvalidData, host,
            $"Cannot parse the output of '{command}' from host '{host}': {reason}{where}{shown}")
        {
            RecommendedAction = "Check that the host runs a supported xl toolstack (Xen 4.x) and that nothing else writes to xl's standard output.",
        };
    }

    /// <summary>Pops whitespace-separated tokens from the right end of a line.</summary>
    public struct RightTokens
    {
        private readonly string _line;
        private int _end;

        public RightTokens(string line)
        {
            _line = line;
            _end = line.Length;
        }

        /// <summary>Index where the remaining (unpopped) text ends.</summary>
        public int End => _end;

        public bool TryPop(out string token)
        {
            int e = _end;
            while (e > 0 && IsSpace(_line[e - 1])) e--;
            int s = e;
            while (s > 0 && !IsSpace(_line[s - 1])) s--;
            if (s == e)
            {
                token = "";
                return false;
            }
            token = _line.Substring(s, e - s);
            _end = s;
            return true;
        }

        public bool TryPeek(out string token)
        {
            var copy = this;
            return copy.TryPop(out token);
        }

        /// <summary>What is left, with trailing blanks removed.</summary>
        public string Rest() => _line.Substring(0, _end).TrimEnd(' ', '\t');

        private static bool IsSpace(char c) => c == ' ' || c == '\t';
    }
}
