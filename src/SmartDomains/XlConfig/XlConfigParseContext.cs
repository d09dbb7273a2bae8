using System.Text;

namespace SmartDomains.XlConfig;

/// <summary>
/// The parse state libxlutil keeps in CfgParseContext: the first error code, the line of the last lexical error
/// (later reports on or before it are suppressed), the python hint, and the settings stored so far.
/// </summary>
internal sealed class XlConfigParseContext
{
    public readonly string Source;
    public int Err;
    public int LexErrLine = -1;
    public bool LikelyPython;
    public readonly List<string> Report = new();
    public readonly List<XlConfigSetting> Settings = new();

    public XlConfigParseContext(string source) => Source = source;

    private static string Decode(byte[] b) => Encoding.UTF8.GetString(b);

    public string? StrDup(byte[] text) => Err != 0 ? null : Decode(text);

    /// <summary>xlu__cfg_yyerror: the message names yytext, minus a trailing newline and blanks.</summary>
    public void Error(XlConfigLexer lx, int line, string msg)
    {
        if (line <= LexErrLine) return;
        byte[] text = lx.Text;
        int len = text.Length;
        string newline = "";
        if (len > 0 && text[len - 1] == '\n')
        {
            len--; line--;
            if (len == 0) newline = "<newline>";
        }
        while (len > 0 && (text[len - 1] == '\t' || text[len - 1] == ' ')) len--;
        int shown = Array.IndexOf(text, (byte)0, 0, len); // printf's %.*s stops at a NUL
        string near = len > 0 ? "`" + Decode(text.AsSpan(0, shown < 0 ? len : shown).ToArray()) + "'" : "";
        Report.Add($"{Source}:{line}: config parsing error near {near}{newline}: {msg}");
        if (Err == 0) Err = XlConfigRc.Invalid;
    }

    public void LexicalError(XlConfigLexer lx, string msg)
    {
        int line = lx.LineNo;
        Error(lx, line, msg);
        LexErrLine = line;
    }

    /// <summary>
    /// xlu__cfgl_dequote, including its quirks: numeric escapes are validated but produce no character,
    /// the "octal" one is read in base 10, and a hex escape is always rejected.
    /// </summary>
    public string? Dequote(byte[] src, XlConfigLexer lx)
    {
        if (Err != 0) return null;
        var result = new List<byte>(src.Length);
        int end = src.Length - 1;
        int p = 1;
        while (p < end)
        {
            byte c = src[p++];
            if (c != '\\') { result.Add(c); continue; }
            byte nc = src[p++];
            switch (nc)
            {
                case (byte)'"' or (byte)'\'' or (byte)'\\': result.Add(nc); break;
                case (byte)'a': result.Add(7); break;
                case (byte)'b': result.Add(8); break;
                case (byte)'f': result.Add(12); break;
                case (byte)'n': result.Add((byte)'\n'); break;
                case (byte)'r': result.Add((byte)'\r'); break;
                case (byte)'t': result.Add((byte)'\t'); break;
                case (byte)'v': result.Add(11); break;
                case (byte)'x':
                    p++;
                    if (!NumericEscape(src, ref p, 2, 2, 16, "hex", lx)) return Decode(result.ToArray());
                    break;
                case >= (byte)'0' and <= (byte)'7':
                    if (!NumericEscape(src, ref p, 1, 3, 10, "octal", lx)) return Decode(result.ToArray());
                    break;
                default:
                    LexicalError(lx, "invalid character after backlash in quoted string");
                    Err = XlConfigRc.Invalid;
                    return Decode(result.ToArray());
            }
        }
        return Decode(result.ToArray());
    }

    private bool NumericEscape(byte[] src, ref int p, int minLen, int maxLen, int numBase, string baseText, XlConfigLexer lx)
    {
        // strncpy(numbuf, p, maxlen) then strtoul: the buffer may run into the closing quote, never past the token.
        int n = Math.Min(maxLen, Math.Max(0, src.Length - p));
        string numbuf = Encoding.Latin1.GetString(src, Math.Min(p, src.Length), n);
        CNumber.StrToL(numbuf, numBase, out int consumed, out _);
        if (consumed <= minLen)
        {
            LexicalError(lx, "invalid digit after backslash " + baseText + "numerical character escape in quoted string");
            Err = XlConfigRc.Invalid;
            return false;
        }
        p += consumed;
        return true;
    }

    /// <summary>xlu__cfg_set_store: '+=' concatenates with the latest setting of that name.</summary>
    public void Store(XlConfigLexer lx, string? name, bool append, XlConfigValue? value, int line)
    {
        if (Err != 0 || name is null || value is null) return;
        if (append)
        {
            var prev = Find(name);
            if (prev != null)
            {
                switch (prev.Value, value)
                {
                    case (XlConfigString a, XlConfigString b):
                        value = new XlConfigString(a.Text + b.Text, b.Line);
                        break;
                    case (XlConfigList a, XlConfigList b):
                        var merged = new XlConfigList(a.Items.Concat(b.Items), b.Line);
                        a.Clear(); // libxlutil moves the items out of the earlier setting
                        value = merged;
                        break;
                    default:
                        LexicalError(lx, "can't add [list] to \"string\" or vice versa");
                        Err = XlConfigRc.Invalid;
                        return;
                }
            }
        }
        Settings.Add(new XlConfigSetting(name, value, append, line));
    }

    public XlConfigSetting? Find(string name)
    {
        for (int i = Settings.Count - 1; i >= 0; i--) if (Settings[i].Name == name) return Settings[i];
        return null;
    }
}
