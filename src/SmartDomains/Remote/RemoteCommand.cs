using System.Text;
using System.Text.RegularExpressions;
using SmartDomains.HostScripts;

namespace SmartDomains.Remote;

/// <summary>
/// The one place that turns a program and its arguments into a POSIX shell command line.
/// Every argument is quoted unless it is made only of characters no shell treats specially.
/// </summary>
public sealed partial class RemoteCommand
{
    // Source-generated: no regex parsing or compiling at run time (the NativeAOT emulator quotes every logged argument).
    [GeneratedRegex(@"^[A-Za-z0-9_./:=@%+,-]+$")]
    private static partial Regex Safe();

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }
    public string CommandLine { get; }
    /// <summary>The simple commands this line runs, in order (one, unless made with <see cref="All"/>).</summary>
    public IReadOnlyList<RemoteCommand> Steps { get; }
    /// <summary>
    /// What the command reads on standard input, or null for none. File contents travel here, not in argv: argv shows in
    /// ps on dom0, is capped at 128 KiB and is echoed by -Verbose.
    /// </summary>
    public string? StandardInput { get; private init; }

    // How -WhatIf and -Verbose show this command; a script appears by its file name instead of its text.
    private readonly string _shown;

    private RemoteCommand(string program, IReadOnlyList<string> arguments, string? shown = null)
    {
        Program = program;
        Arguments = arguments;
        var sb = new StringBuilder(Quote(program));
        foreach (var a in arguments) sb.Append(' ').Append(Quote(a));
        CommandLine = sb.ToString();
        _shown = shown ?? CommandLine;
        Steps = new[] { this };
    }

    private RemoteCommand(IReadOnlyList<RemoteCommand> steps)
    {
        Program = steps[0].Program;
        Arguments = steps[0].Arguments;
        Steps = steps.SelectMany(s => s.Steps).ToArray();
        CommandLine = string.Join(" && ", Steps.Select(s => s.CommandLine));
        _shown = string.Join(" && ", Steps.Select(s => s._shown));
        var inputs = steps.Where(s => s.StandardInput is not null).ToArray();
        if (inputs.Length > 1) throw new ArgumentException("Only one step of a command line can read standard input.");
        StandardInput = inputs.FirstOrDefault()?.StandardInput;
    }

    /// <summary>The same command, given <paramref name="content"/> on standard input.</summary>
    public RemoteCommand WithInput(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Steps.Count > 1) throw new InvalidOperationException("Give standard input to one step, then join the steps with All.");
        return new RemoteCommand(Program, Arguments, _shown) { StandardInput = content };
    }

    /// <summary>Runs the steps in order in one round trip, stopping at the first that fails.</summary>
    public static RemoteCommand All(params RemoteCommand[] steps) =>
        steps.Length == 1 ? steps[0] : steps.Length == 0 ? throw new ArgumentException("No steps.") : new RemoteCommand(steps);

    /// <summary>
    /// One of the host scripts (HostScripts/*.sh) with its values as positional parameters ($1, $2...), so no value is ever
    /// parsed as code. The values must fit the script's declared arguments.
    /// </summary>
    public static RemoteCommand Script(HostScript script, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(script);
        script.CheckValues(values);
        var shown = new StringBuilder(script.Shell).Append(' ').Append(script.Name);
        foreach (var v in values) shown.Append(' ').Append(Quote(v));
        return new(script.Shell, new[] { "-c", script.Text, script.Name }.Concat(values).ToArray(), shown.ToString());
    }

    /// <summary>The same command under coreutils' timeout, which ends it (exit 124) after <paramref name="seconds"/>.</summary>
    public RemoteCommand WithTimeout(string seconds)
    {
        if (Steps.Count > 1 || StandardInput is not null) throw new InvalidOperationException("Put one command without input under timeout.");
        return new RemoteCommand("timeout", new[] { seconds, Program }.Concat(Arguments).ToArray(), "timeout " + Quote(seconds) + " " + _shown);
    }

    public static RemoteCommand Of(string program, params string[] arguments) => new(program, arguments.ToArray());
    public static RemoteCommand Of(string program, IEnumerable<string> arguments) => new(program, arguments.ToArray());
    public static RemoteCommand Xl(params string[] arguments) => new("xl", arguments.ToArray());
    public static RemoteCommand Xl(IEnumerable<string> arguments) => new("xl", arguments.ToArray());

    /// <summary>Quotes one word for a POSIX shell. NUL cannot be carried by any shell word, so it is refused.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains('\0')) throw new ArgumentException("A shell word cannot contain a NUL character.", nameof(word));
        if (word.Length > 0 && Safe().IsMatch(word)) return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    /// <summary>The command line as -WhatIf and -Verbose show it: the line, and how much it reads on standard input.</summary>
    public string Display => StandardInput is null ? _shown
        : $"{_shown} < ({System.Text.Encoding.UTF8.GetByteCount(StandardInput)} bytes on standard input)";

    public override string ToString() => CommandLine;
}
