namespace SmartDomains.Emulator.Cli;

/// <summary>Thrown to end a command with an exit status after its message was written (like xl's exit()).</summary>
public sealed class XlExit : Exception
{
    public int Code { get; }
    public XlExit(int code) => Code = code;
}

/// <summary>
/// xl's def_getopt: GNU getopt_long with permutation, "option `%c' not supported." (exit 2) for unknown options,
/// and "'xl %s' requires at least %d argument%s." (exit 2) when too few operands remain.
/// </summary>
public sealed class GetOpt
{
    public readonly HashSet<char> Flags = new();
    public readonly Dictionary<char, string> Values = new();
    public readonly List<string> Operands = new();

    public bool Has(char c) => Flags.Contains(c);

    /// <param name="spec">getopt optstring; a letter followed by ':' takes a value.</param>
    /// <param name="longNames">long option name to the short letter it means.</param>
    public static GetOpt Parse(CommandContext ctx, string command, string[] args, string spec, int required,
        IReadOnlyDictionary<string, char>? longNames = null)
    {
        var r = new GetOpt();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { r.Operands.AddRange(args.Skip(i + 1)); break; }
            if (a.StartsWith("--"))
            {
                string name = a[2..].Split('=')[0];
                if (name == "help") { Usage(ctx, command); throw new XlExit(0); }
                if (longNames != null && longNames.TryGetValue(name, out char c)) { r.Flags.Add(c); continue; }
                ctx.Err.Write("option `\0' not supported.\n".Replace("\0", ""));
                throw new XlExit(2);
            }
            if (a.Length < 2 || a[0] != '-') { r.Operands.Add(a); continue; }
            for (int k = 1; k < a.Length; k++)
            {
                char c = a[k];
                int at = spec.IndexOf(c);
                if (c == 'h') { Usage(ctx, command); throw new XlExit(0); }
                if (at < 0 || c == ':')
                {
                    ctx.Err.Write($"option `{c}' not supported.\n");
                    throw new XlExit(2);
                }
                if (at + 1 < spec.Length && spec[at + 1] == ':')
                {
                    string? v = k + 1 < a.Length ? a[(k + 1)..] : (i + 1 < args.Length ? args[++i] : null);
                    if (v is null) { ctx.Err.Write($"option `{c}' not supported.\n"); throw new XlExit(2); }
                    r.Values[c] = v;
                    break;
                }
                r.Flags.Add(c);
            }
        }
        if (r.Operands.Count < required)
        {
            ctx.Err.Write($"'xl {command}' requires at least {required} argument{(required > 1 ? "s" : "")}.\n\n");
            Usage(ctx, command);
            throw new XlExit(2);
        }
        return r;
    }

    private static void Usage(CommandContext ctx, string command) =>
        ctx.Out.Write($"Usage: xl [-vf] {command} <options>\n\n");
}
