using SmartDomains.HostScripts;

namespace SmartDomains.Remote;

/// <summary>What one remote command did: the command as -Verbose shows it (a host script by its file name), its exit code, output and duration.</summary>
public sealed class CommandResult
{
    public required string Host { get; init; }
    public required string CommandLine { get; init; }
    public int ExitCode { get; init; }
    public string StdOut { get; init; } = "";
    public string StdErr { get; init; } = "";
    public TimeSpan Duration { get; init; }
    public bool Succeeded => ExitCode == 0;
    /// <summary>Whether a host script ended with this declared code.</summary>
    public bool ExitedWith(HostScriptExit code) => ExitCode == (int)code;

    public override string ToString() => $"{Host}: {CommandLine} (exit {ExitCode})";
}
