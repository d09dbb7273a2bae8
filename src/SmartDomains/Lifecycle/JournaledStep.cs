using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Xl;

namespace SmartDomains.Lifecycle;

/// <summary>
/// One host-changing command wrapped in journal lines, in one round trip: the first op is recorded before the command runs and
/// the second after it succeeds. When it fails, the journal says failed (and undone when the failure leaves nothing behind).
/// </summary>
public sealed class JournaledStep
{
    public required string Kind { get; init; }
    public required string Resource { get; init; }
    public string? Pool { get; init; }
    public string? Domain { get; init; }
    /// <summary>Recorded on the lines before and after the command (a new domain's uuid).</summary>
    public JObject? Data { get; init; }

    internal JournalEntry Entry(JournalOp op) => JournalEntry.Of(op, Kind, Resource, Domain, Pool, Data);

    /// <returns>The command's own result (its command line, not the journal lines around it).</returns>
    public async Task<CommandResult> RunAsync(HostJournal journal, JournalOp before, JournalOp after, RemoteCommand command,
        Func<RemoteCommand, Task<CommandResult>> run, bool failedIsUndone = false, bool allowFailure = false)
    {
        var line = RemoteCommand.All(journal.AppendCommand(Entry(before)), command, journal.AppendCommand(Entry(after)));
        var raw = await run(line).ConfigureAwait(false);
        var result = new CommandResult
        {
            Host = raw.Host, CommandLine = command.CommandLine, ExitCode = raw.ExitCode,
            StdOut = raw.StdOut, StdErr = raw.StdErr, Duration = raw.Duration,
        };
        if (raw.Succeeded) return result;
        // Another's lease covers the step: its journal line was refused, so nothing was made and there is nothing to close.
        if (raw.ExitedWith(HostScripts.HostScriptExit.Busy)) throw journal.Busy(raw);
        await run(Closing(journal, failedIsUndone)).ConfigureAwait(false);
        if (allowFailure) return result;
        throw XlFailure.ForCommand(result, command);
    }

    /// <summary>The journal lines that close a failed command: failed, and undone when the failure leaves nothing behind.</summary>
    internal RemoteCommand Closing(HostJournal journal, bool failedIsUndone) => failedIsUndone
        ? RemoteCommand.All(journal.AppendCommand(Entry(JournalOp.Failed)), journal.AppendCommand(Entry(JournalOp.Undone)))
        : journal.AppendCommand(Entry(JournalOp.Failed));
}
