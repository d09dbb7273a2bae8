namespace SmartDomains.Remote;

/// <summary>
/// A line printed between the steps of one round trip, so their outputs can be told apart. It is printed as "\nLINE\n": on a
/// line of its own even after output without a final newline (a torn journal line); that one added newline is taken off
/// again, so the text before it is exactly what the steps before it printed.
/// </summary>
public sealed class OutputMarker
{
    public OutputMarker(string name) => Line = "@@smartdomains-" + name;

    /// <summary>The marker line; no host command prints it.</summary>
    public string Line { get; }

    public RemoteCommand Command => RemoteCommand.Of("printf", "\\n%s\\n", Line);

    /// <summary>Splits at the first marker. False when it is missing: a step before it failed, and nothing after it ran.</summary>
    public bool TrySplit(string text, out string before, out string after)
    {
        var marker = "\n" + Line + "\n";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        (before, after) = at < 0 ? (text, "") : (text[..at], text[(at + marker.Length)..]);
        return at >= 0;
    }
}
