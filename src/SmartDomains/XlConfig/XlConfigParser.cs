using System.Text;

namespace SmartDomains.XlConfig;

/// <summary>The outcome of parsing: rc 0 with a config, or rc 22 with libxlutil's report lines.</summary>
public sealed class XlConfigParseResult
{
    public int Rc { get; }
    public XlConfigFile? Config { get; }
    /// <summary>What libxlutil writes to its report stream, one entry per line, without newlines.</summary>
    public IReadOnlyList<string> Messages { get; }
    public bool Success => Rc == 0;

    internal XlConfigParseResult(int rc, XlConfigFile? config, IReadOnlyList<string> messages)
    {
        Rc = rc; Config = config; Messages = messages;
    }
}

/// <summary>
/// Parses xl.cfg text exactly as libxlutil's xlu_cfg_readdata does: the same verdict, settings, line numbers
/// and "NAME:LINE: config parsing error near `X': MSG" reports.
/// </summary>
public static class XlConfigParser
{
    public static XlConfigParseResult Parse(string text, string sourceName) =>
        Parse(Encoding.UTF8.GetBytes(text), sourceName);

    public static XlConfigParseResult Parse(byte[] data, string sourceName)
    {
        var ctx = new XlConfigParseContext(sourceName);
        var lexer = new XlConfigLexer(data, ctx);
        bool ok = Run(ctx, lexer);
        if (!ok && ctx.Err == 0) ctx.Err = XlConfigRc.Invalid;
        if (ctx.Err != 0 && ctx.LikelyPython)
        {
            ctx.Report.Add("warning: Config file looks like it contains Python code.");
            ctx.Report.Add("warning:  Arbitrary Python is no longer supported.");
            ctx.Report.Add("warning:  See https://wiki.xen.org/wiki/PythonInXlConfig");
        }
        var config = ctx.Err == 0 ? new XlConfigFile(sourceName, ctx.Settings) : null;
        return new XlConfigParseResult(ctx.Err, config, ctx.Report);
    }

    /// <summary>bison's yacc.c driver loop, including its error recovery ("stmt: error NEWLINE").</summary>
    private static bool Run(XlConfigParseContext ctx, XlConfigLexer lexer)
    {
        var tables = LalrTables.Instance;
        var states = new List<int> { 0 };
        var values = new List<object?> { null };
        var lines = new List<int> { 1 };
        XlToken? lookahead = null;
        int errStatus = 0;

        while (true)
        {
            int state = states[^1];
            var st = tables.States[state];
            if (st.IsFinal) return true;

            int act;
            if (st.NoLookahead) act = st.DefaultRule >= 0 ? -(st.DefaultRule + 1) : 0;
            else
            {
                lookahead ??= lexer.Next();
                if (!st.Actions.TryGetValue((int)lookahead.Value.Kind, out act))
                    act = st.DefaultRule >= 0 ? -(st.DefaultRule + 1) : 0;
            }

            if (act > 0)
            {
                if (errStatus > 0) errStatus--;
                states.Add(act); values.Add(lookahead!.Value.Text); lines.Add(lookahead.Value.Line);
                lookahead = null;
                continue;
            }
            if (act < 0)
            {
                Reduce(ctx, lexer, -act - 1, states, values, lines);
                continue;
            }

            // Syntax error.
            if (errStatus == 0) ctx.Error(lexer, lexer.LocLine, SyntaxMessage(st, lookahead));
            if (errStatus == 3 && lookahead is not null)
            {
                if (lookahead.Value.Kind == XlTok.End) return false;
                lookahead = null; // discard the token that failed right after recovery
            }
            errStatus = 3;
            while (true)
            {
                var s = tables.States[states[^1]];
                if (!s.NoLookahead && s.Actions.TryGetValue((int)XlTok.Error, out int to) && to > 0)
                {
                    states.Add(to); values.Add(null); lines.Add(lexer.LocLine);
                    break;
                }
                if (states.Count == 1) return false;
                states.RemoveAt(states.Count - 1); values.RemoveAt(values.Count - 1); lines.RemoveAt(lines.Count - 1);
            }
        }
    }

    private static string SyntaxMessage(LalrTables.State st, XlToken? lookahead)
    {
        if (lookahead is null) return "syntax error";
        var args = new List<string> { XlConfigGrammar.Names[(int)lookahead.Value.Kind] };
        if (!st.NoLookahead)
        {
            foreach (var tok in st.Actions.Keys.Where(k => k != (int)XlTok.Error).OrderBy(k => k))
            {
                if (args.Count == 5) { args.RemoveRange(1, args.Count - 1); break; }
                args.Add(XlConfigGrammar.Names[tok]);
            }
        }
        var sb = new StringBuilder("syntax error, unexpected ").Append(args[0]);
        for (int i = 1; i < args.Count; i++) sb.Append(i == 1 ? ", expecting " : " or ").Append(args[i]);
        return sb.ToString();
    }

    private static void Reduce(XlConfigParseContext ctx, XlConfigLexer lexer, int ruleIndex,
        List<int> states, List<object?> values, List<int> lines)
    {
        var rule = XlConfigGrammar.Rules[ruleIndex];
        int n = rule.Rhs.Length;
        int baseIdx = values.Count - n;
        object? V(int k) => values[baseIdx + k - 1];
        int L(int k) => lines[baseIdx + k - 1];
        int line = n > 0 ? L(1) : lines[^1];

        object? result = n > 0 ? V(1) : null;
        switch (rule.Action)
        {
            case XlConfigGrammar.Action.Set:
            case XlConfigGrammar.Action.Add:
                ctx.Store(lexer, (string?)V(1), rule.Action == XlConfigGrammar.Action.Add, (XlConfigValue?)V(3), L(3));
                result = null;
                break;
            case XlConfigGrammar.Action.StringValue:
                result = ctx.Err != 0 || V(1) is not string s ? null : new XlConfigString(s, L(1));
                break;
            case XlConfigGrammar.Action.ListValue:
                result = V(3);
                break;
            case XlConfigGrammar.Action.EmptyList:
                result = ctx.Err != 0 ? null : new XlConfigList(Array.Empty<XlConfigValue>(), line);
                break;
            case XlConfigGrammar.Action.ListOf:
                result = ctx.Err != 0 || V(1) is not XlConfigValue v ? null : new XlConfigList(new[] { v }, L(1));
                break;
            case XlConfigGrammar.Action.Append:
                if (ctx.Err == 0 && V(1) is XlConfigList list && V(4) is XlConfigValue item) list.Add(item);
                result = V(1);
                break;
        }
        values.RemoveRange(baseIdx, n); lines.RemoveRange(baseIdx, n); states.RemoveRange(states.Count - n, n);
        int to = LalrTables.Instance.States[states[^1]].Gotos[rule.Lhs];
        states.Add(to); values.Add(result); lines.Add(line);
    }
}
