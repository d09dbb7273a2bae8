using System.Text;

namespace SmartDomains.XlConfig;

/// <summary>
/// Emulates libxlutil's flex scanner (libxlu_cfg_l.l) byte for byte: longest match, first rule on ties,
/// yylineno counting, the 'lexerr' start condition with yymore(), and yytext as the error reporter sees it.
/// </summary>
internal sealed class XlConfigLexer
{
    private readonly byte[] _data;
    private readonly XlConfigParseContext _ctx;
    private int _pos;

    /// <summary>flex's yylineno: lines counted up to the end of the last match.</summary>
    public int LineNo { get; private set; } = 1;
    /// <summary>yytext of the last match (an EOF "match" is a single NUL, which the reporter prints as nothing).</summary>
    public byte[] Text { get; private set; } = Array.Empty<byte>();
    /// <summary>yylloc.first_line: only set when a token is returned through GOT, so EOF keeps the previous one.</summary>
    public int LocLine { get; private set; } = 1;

    public XlConfigLexer(byte[] data, XlConfigParseContext ctx) { _data = data; _ctx = ctx; }

    private static bool IsIdentChar(byte c) => c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'.';
    private static bool IsNumberChar(byte c) => c is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (byte)'x';

    private void Match(int start, int end, int moreStart)
    {
        for (int i = start; i < end; i++) if (_data[i] == '\n') LineNo++;
        Text = _data.AsSpan(moreStart, end - moreStart).ToArray();
        _pos = end;
    }

    private XlToken Got(XlTok kind, string? text = null) { LocLine = LineNo; return new XlToken(kind, text, LocLine); }

    public XlToken Next()
    {
        while (true)
        {
            int start = _pos;
            if (start >= _data.Length) return EndOfInput(Array.Empty<byte>());
            byte c = _data[start];
            if (c >= 'a' && c <= 'z')
            {
                int e = start + 1; while (e < _data.Length && IsIdentChar(_data[e])) e++;
                Match(start, e, start);
                return Got(XlTok.Ident, _ctx.StrDup(Text));
            }
            if (c >= '0' && c <= '9')
            {
                int e = start + 1; while (e < _data.Length && IsNumberChar(_data[e])) e++;
                Match(start, e, start);
                return Got(XlTok.Number, _ctx.StrDup(Text));
            }
            switch (c)
            {
                case (byte)' ' or (byte)'\t': Match(start, start + 1, start); continue;
                case (byte)',': Match(start, start + 1, start); return Got(XlTok.Comma);
                case (byte)'[': Match(start, start + 1, start); return Got(XlTok.LBracket);
                case (byte)']': Match(start, start + 1, start); return Got(XlTok.RBracket);
                case (byte)'=': Match(start, start + 1, start); return Got(XlTok.Equals);
                case (byte)';': Match(start, start + 1, start); return Got(XlTok.Semicolon);
                case (byte)'\n':
                    Match(start, start + 1, start);
                    LocLine = LineNo - 1;
                    return new XlToken(XlTok.Newline, null, LocLine);
            }
            if (c == '+' && start + 1 < _data.Length && _data[start + 1] == '=')
            {
                Match(start, start + 2, start);
                return Got(XlTok.OpAdd);
            }
            if (c == '#')
            {
                int nl = Array.IndexOf(_data, (byte)'\n', start);
                if (nl >= 0)
                {
                    Match(start, nl + 1, start);
                    LocLine = LineNo - 1;
                    return new XlToken(XlTok.Newline, null, LocLine);
                }
            }
            if (c == '\'' || c == '"')
            {
                int e = QuotedEnd(start);
                if (e > 0)
                {
                    Match(start, e, start);
                    return Got(XlTok.String, _ctx.Dequote(Text, this));
                }
            }
            // The catch-all rules: one character, then the lexerr state swallows the rest of the word.
            if (c is (byte)'+' or (byte)'-' or (byte)'.' or (byte)'(' or (byte)')' or (byte)':') _ctx.LikelyPython = true;
            var tok = LexicalErrorWord(start);
            if (tok.HasValue) return tok.Value;
        }
    }

    /// <summary>End (exclusive) of a quoted string matching '([^'\\\n]|\\.)*' starting at start, or -1.</summary>
    private int QuotedEnd(int start)
    {
        byte q = _data[start];
        int i = start + 1;
        while (i < _data.Length)
        {
            byte b = _data[i];
            if (b == q) return i + 1;
            if (b == '\n') return -1;
            if (b == '\\')
            {
                if (i + 1 >= _data.Length || _data[i + 1] == '\n') return -1;
                i += 2; continue;
            }
            i++;
        }
        return -1;
    }

    private XlToken? LexicalErrorWord(int start)
    {
        int moreStart = start;
        int p = start + 1;
        // EOF inside lexerr: flex terminates without running an action, so no error is reported.
        if (p >= _data.Length) { Match(start, p, moreStart); return EndOfInput(Text); }
        byte c = _data[p];
        if (c == '\n')
        {
            Match(start, p + 1, moreStart);
            _ctx.LexicalError(this, "lexical error");
            return Got(XlTok.Newline);
        }
        int e = p;
        if (c == ' ' || c == '\t') e = p + 1;
        else while (e < _data.Length && _data[e] != ' ' && _data[e] != '\t' && _data[e] != '\n') e++;
        Match(start, e, moreStart);
        _ctx.LexicalError(this, "lexical error");
        return null;
    }

    /// <summary>At EOF flex's yytext is any yymore() prefix followed by the end-of-buffer NUL.</summary>
    private XlToken EndOfInput(byte[] more)
    {
        _pos = _data.Length;
        Text = more.Append((byte)0).ToArray();
        return new XlToken(XlTok.End, null, LocLine);
    }
}
