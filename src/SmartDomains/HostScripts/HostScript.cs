using System.Reflection;
using System.Text;

namespace SmartDomains.HostScripts;

/// <summary>
/// One host script: a .sh (or .bash) file of this folder, embedded in the assembly. Its header is its contract:
/// <code>
/// # arg NAME description        one per positional value, in order; NAME... takes the rest
/// # stdin description | none    what it reads on standard input
/// # exit CODE Name description  every exit code it ends with (Name as in HostScriptExit)
/// # marker CODE text            the stderr marker that goes with a code (HostScriptMarkers)
/// # uses piece...               the lib/ pieces it calls, prepended in that order
/// </code>
/// <see cref="Remote.RemoteCommand.Script"/> takes only this type, so a script is always one of these files and values are
/// always positional parameters.
/// </summary>
public sealed class HostScript
{
    private HostScript(string name, string shell, string source, IReadOnlyList<string> arguments, string? standardInput,
        IReadOnlyDictionary<HostScriptExit, string> exits, IReadOnlyDictionary<HostScriptExit, string> markers)
    {
        Name = name;
        Shell = shell;
        Source = source;
        Text = Compact(source);
        Arguments = arguments;
        StandardInput = standardInput;
        ExitCodes = exits;
        Markers = markers;
    }

    /// <summary>The file name, e.g. journal-append.sh; also the script's $0 on the host.</summary>
    public string Name { get; }
    /// <summary>sh, or bash for a .bash script.</summary>
    public string Shell { get; }
    /// <summary>The lib pieces and the script with their comments: what shellcheck reads.</summary>
    public string Source { get; }
    /// <summary>What is sent: <see cref="Source"/> without comment lines and blank lines.</summary>
    public string Text { get; }
    public IReadOnlyList<string> Arguments { get; }
    /// <summary>The last argument takes any number of values (its name ends with "...").</summary>
    public bool Variadic => Arguments.Count > 0 && Arguments[^1].EndsWith("...", StringComparison.Ordinal);
    /// <summary>What it reads on standard input, or null for nothing.</summary>
    public string? StandardInput { get; }
    public IReadOnlyDictionary<HostScriptExit, string> ExitCodes { get; }
    public IReadOnlyDictionary<HostScriptExit, string> Markers { get; }

    /// <summary>Refuses values that do not fit the declared arguments: a wrong count is a bug at the call site.</summary>
    internal void CheckValues(IReadOnlyList<string> values)
    {
        int fixedCount = Variadic ? Arguments.Count - 1 : Arguments.Count;
        if (Variadic ? values.Count < fixedCount : values.Count != fixedCount)
            throw new ArgumentException(
                $"{Name} takes {(Variadic ? "at least " : "")}{fixedCount} values ({string.Join(", ", Arguments)}), not {values.Count}.");
    }

    private const string ResourcePrefix = "HostScripts/";

    /// <summary>Loads a script and the lib pieces it uses; a header that breaks the contract is an error here, at first use.</summary>
    internal static HostScript Load(string name)
    {
        var body = Read(name);
        var lines = body.Split('\n');
        string shell = lines[0] switch
        {
            "#!/bin/sh" => "sh",
            "#!/bin/bash" => "bash",
            _ => throw Broken(name, "the first line must be #!/bin/sh or #!/bin/bash"),
        };
        var arguments = new List<string>();
        string? stdin = null;
        bool stdinDeclared = false;
        var exits = new Dictionary<HostScriptExit, string>();
        var markers = new Dictionary<HostScriptExit, string>();
        var uses = new List<string>();
        foreach (var line in lines.TakeWhile(l => l.StartsWith('#')))
        {
            var words = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2) continue;
            switch (words[1])
            {
                case "arg" when words.Length >= 3:
                    if (arguments.Count > 0 && arguments[^1].EndsWith("...", StringComparison.Ordinal))
                        throw Broken(name, $"no argument can follow {arguments[^1]}");
                    arguments.Add(words[2]);
                    break;
                case "stdin":
                    stdinDeclared = true;
                    var what = line[(line.IndexOf("stdin", StringComparison.Ordinal) + 5)..].Trim();
                    stdin = what is "" or "none" ? null : what;
                    break;
                case "exit" when words.Length >= 4:
                    var code = Code(name, words[2]);
                    var rest = words[3].Split(' ', 2);
                    if (rest[0] != code.ToString()) throw Broken(name, $"exit {words[2]} is {code}, not {rest[0]}");
                    exits[code] = rest.Length > 1 ? rest[1] : "";
                    break;
                case "marker" when words.Length >= 4:
                    var markerCode = Code(name, words[2]);
                    if (!exits.ContainsKey(markerCode)) throw Broken(name, $"marker for exit {words[2]}, which is not declared");
                    var marker = string.Join(' ', words.Skip(3));
                    if (!HostScriptMarkers.All.Contains(marker)) throw Broken(name, $"the marker '{marker}' is not in HostScriptMarkers");
                    markers[markerCode] = marker;
                    break;
                case "uses":
                    uses.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2));
                    break;
            }
        }
        if (!stdinDeclared) throw Broken(name, "it must declare its standard input (# stdin ... or # stdin none)");
        if (!exits.ContainsKey(HostScriptExit.Ok)) throw Broken(name, "it must declare exit 0");
        var source = new StringBuilder(lines[0]).Append('\n');
        foreach (var piece in uses)
            source.Append(string.Join('\n', Read("lib/" + piece + ".sh").Split('\n').Skip(1))).Append('\n');
        source.Append(string.Join('\n', lines.Skip(1)));
        return new HostScript(name, shell, source.ToString(), arguments, stdin, exits, markers);
    }

    /// <summary>Every script file embedded in the assembly (not the lib pieces).</summary>
    internal static IEnumerable<string> Embedded() =>
        typeof(HostScript).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && !n.StartsWith(ResourcePrefix + "lib/", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..]);

    private static string Read(string name)
    {
        using var stream = typeof(HostScript).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The host script {name} is not embedded in {typeof(HostScript).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    // Comment and blank lines go; a heredoc body must therefore not start a line with '#'.
    private static string Compact(string source) =>
        string.Join('\n', source.Split('\n').Where(l => l.Trim() is var t && t.Length > 0 && !t.StartsWith('#')));

    private static HostScriptExit Code(string name, string text) =>
        int.TryParse(text, out var n) && Enum.IsDefined(typeof(HostScriptExit), n)
            ? (HostScriptExit)n
            : throw Broken(name, $"exit code {text} is not one of HostScriptExit");

    private static InvalidOperationException Broken(string name, string why) =>
        new($"The header of the host script {name} breaks the contract: {why}.");

    public override string ToString() => Name;
}
