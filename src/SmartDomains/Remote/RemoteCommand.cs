using System.Text;
using System.Text.RegularExpressions;

namespace SmartDomains.Remote;

/// <summary>
/// The one place that turns a program and its arguments into a POSIX shell command line.
/// Every argument is quoted unless it is made only of characters no shell treats specially.
/// </summary>
public sealed class RemoteCommand
{
    private static readonly Regex Safe = new(@"^[A-Za-z0-9_./:=@%+,-]+$", RegexOptions.Compiled);

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }
    public string CommandLine { get; }

    private RemoteCommand(string program, IReadOnlyList<string> arguments)
    {
        Program = program;
        Arguments = arguments;
        var sb = new StringBuilder(Quote(program));
        foreach (var a in arguments) sb.Append(' ').Append(Quote(a));
        CommandLine = sb.ToString();
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
        if (word.Length > 0 && Safe.IsMatch(word)) return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    public override string ToString() => CommandLine;
}
