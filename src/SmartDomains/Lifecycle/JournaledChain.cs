using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Xl;

namespace SmartDomains.Lifecycle;

/// <summary>
/// Several journaled steps in one round trip (a domain's config write and its xl create): each step's first journal line, its
/// command and its second line, then a marker on stdout, so the output says how far the chain got. The first step that fails
/// stops the chain; its journal is closed (failed, and undone where asked) in a second round trip, as a lone
/// <see cref="JournaledStep"/> would, and the outcome names it.
/// </summary>
public static class JournaledChain
{
    /// <summary>One step of a chain: the journal lines around <see cref="Command"/>.</summary>
    public sealed record Link(JournaledStep Step, JournalOp Before, JournalOp After, RemoteCommand Command, bool FailedIsUndone = false);

    // Printed after step N succeeded.
    internal static OutputMarker Marker(int index) => new($"step-{index}-done");

    /// <summary>The steps that succeeded (each its own command line and its part of stdout), and the failure of the next one, if any:
    /// the step that failed is <c>Done.Count</c>, and nothing after it ran.</summary>
    public sealed record Outcome(IReadOnlyList<CommandResult> Done, XenHostException? Failure);

    public static async Task<Outcome> RunAsync(HostJournal journal, IReadOnlyList<Link> links,
        Func<RemoteCommand, Task<CommandResult>> run)
    {
        ArgumentNullException.ThrowIfNull(journal);
        if (links is not { Count: > 0 }) throw new ArgumentException("A chain needs at least one step.", nameof(links));
        var parts = new List<RemoteCommand>();
        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i];
            parts.Add(journal.AppendCommand(link.Step.Entry(link.Before)));
            parts.Add(link.Command);
            parts.Add(journal.AppendCommand(link.Step.Entry(link.After)));
            parts.Add(Marker(i).Command);
        }
        var raw = await run(RemoteCommand.All(parts.ToArray())).ConfigureAwait(false);

        var results = new List<CommandResult>();
        var rest = raw.StdOut;
        for (var i = 0; i < links.Count; i++)
        {
            var done = Marker(i).TrySplit(rest, out var output, out var after);
            var result = new CommandResult
            {
                Host = raw.Host, CommandLine = links[i].Command.CommandLine, StdOut = output, StdErr = raw.StdErr,
                Duration = raw.Duration, ExitCode = done ? 0 : raw.Succeeded ? -1 : raw.ExitCode,
            };
            if (!done)
            {
                // Another's lease covers the step: its journal line was refused, so nothing of it was made and there is nothing to close.
                if (raw.ExitedWith(HostScripts.HostScriptExit.Busy)) return new Outcome(results, journal.Busy(raw));
                // This step failed (its begin line may or may not be written): close its journal, as a lone step does.
                await run(links[i].Step.Closing(journal, links[i].FailedIsUndone)).ConfigureAwait(false);
                return new Outcome(results, XlFailure.ForCommand(result, links[i].Command));
            }
            results.Add(result);
            rest = after;
        }
        return new Outcome(results, null);
    }
}
