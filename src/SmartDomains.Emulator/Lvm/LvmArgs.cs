namespace SmartDomains.Emulator.Lvm;

/// <summary>One option of an LVM tool: a key, its short letter ('\0' for none), its long name, and whether it takes a value.</summary>
public sealed record LvmOption(string Key, char Short, string? Long, bool TakesValue);

/// <summary>
/// getopt_long as LVM uses it: permutation, bundled short flags, "-Lvalue", "--long value" and "--long=value".
/// getopt's own complaints name the tool; LVM then adds "Error during parsing of command line." (exit 3).
/// </summary>
public sealed class LvmArgs
{
    private readonly Dictionary<string, List<string>> _values = new();
    private readonly Dictionary<string, int> _counts = new();
    public List<string> Operands { get; } = new();

    public bool Has(string key) => _counts.ContainsKey(key);
    public int Count(string key) => _counts.TryGetValue(key, out var n) ? n : 0;
    public string? Value(string key) => _values.TryGetValue(key, out var v) ? v[^1] : null;
    public IReadOnlyList<string> Values(string key) => _values.TryGetValue(key, out var v) ? v : Array.Empty<string>();

    /// <summary>Options every LVM command accepts (tools/args.h common options), mostly ignored here.</summary>
    public static readonly LvmOption[] Common =
    {
        new("verbose", 'v', "verbose", false), new("quiet", 'q', "quiet", false), new("yes", 'y', "yes", false),
        new("debug", 'd', "debug", false), new("help", 'h', "help", false), new("version", '\0', "version", false),
        new("config", '\0', "config", true), new("autobackup", 'A', "autobackup", true),
        new("nolocking", '\0', "nolocking", false), new("noudevsync", '\0', "noudevsync", false),
        new("commandprofile", '\0', "commandprofile", true), new("devicesfile", '\0', "devicesfile", true),
        new("lockopt", '\0', "lockopt", true), new("driverloaded", '\0', "driverloaded", true),
    };

    public static LvmArgs Parse(LvmContext ctx, string[] args, IEnumerable<LvmOption> specific)
    {
        var options = Common.Concat(specific).ToList();
        var r = new LvmArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { r.Operands.AddRange(args.Skip(i + 1)); break; }
            if (a.StartsWith("--"))
            {
                int eq = a.IndexOf('=');
                string name = eq > 0 ? a[2..eq] : a[2..];
                var opt = options.FirstOrDefault(o => o.Long == name);
                if (opt is null)
                {
                    ctx.Err.Write($"{ctx.Tool}: unrecognized option '{(eq > 0 ? a[..eq] : a)}'\n");
                    throw ctx.CommandLineError();
                }
                string? value = null;
                if (opt.TakesValue)
                {
                    value = eq > 0 ? a[(eq + 1)..] : i + 1 < args.Length ? args[++i] : null;
                    if (value is null)
                    {
                        ctx.Err.Write($"{ctx.Tool}: option '--{name}' requires an argument\n");
                        throw ctx.CommandLineError();
                    }
                }
                else if (eq > 0)
                {
                    ctx.Err.Write($"{ctx.Tool}: option '--{name}' doesn't allow an argument\n");
                    throw ctx.CommandLineError();
                }
                r.Add(opt.Key, value);
                continue;
            }
            if (a.Length < 2 || a[0] != '-') { r.Operands.Add(a); continue; }
            for (int k = 1; k < a.Length; k++)
            {
                char c = a[k];
                var opt = options.FirstOrDefault(o => o.Short == c && c != '\0');
                if (opt is null)
                {
                    ctx.Err.Write($"{ctx.Tool}: invalid option -- '{c}'\n");
                    throw ctx.CommandLineError();
                }
                if (!opt.TakesValue) { r.Add(opt.Key, null); continue; }
                string? value = k + 1 < a.Length ? a[(k + 1)..] : i + 1 < args.Length ? args[++i] : null;
                if (value is null)
                {
                    ctx.Err.Write($"{ctx.Tool}: option requires an argument -- '{c}'\n");
                    throw ctx.CommandLineError();
                }
                r.Add(opt.Key, value);
                break;
            }
        }
        return r;
    }

    private void Add(string key, string? value)
    {
        _counts[key] = Count(key) + 1;
        if (value is null) return;
        if (!_values.TryGetValue(key, out var list)) _values[key] = list = new List<string>();
        list.Add(value);
    }
}
