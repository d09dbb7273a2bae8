namespace SmartDomains.Remote;

/// <summary>What one remote command did: the exact line, its exit code, its output and how long it took.</summary>
public sealed class CommandResult
{
    public required string Host { get; init; }
    public required string CommandLine { get; init; }
    public int ExitCode { get; init; }
    public string StdOut { get; init; } = "";
    public string StdErr { get; init; } = "";
    public TimeSpan Duration { get; init; }
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"{Host}: {CommandLine} (exit {ExitCode})";
}
