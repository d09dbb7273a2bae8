using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.State;

/// <summary>
/// The journal of everything the module makes on one host: JSON lines in the host's state dir, appended under a host-level
/// flock, so concurrent controllers never interleave. A line is written before a resource is made and again when it is made,
/// so a crash leaves a "begin" that the next run cleans up.
/// </summary>
public sealed class HostJournal
{
    private readonly HostConnection _host;

    public HostJournal(HostConnection host) => _host = host;

    public string JournalPath => _host.Host.Layout.Journal;
    public string LockPath => _host.Host.Layout.JournalLock;
    /// <summary>The lease table (<see cref="HostLease"/>), written under the journal lock by controllers that undo or save.</summary>
    public string LeasePath => _host.Host.Layout.ClearLease;

    /// <summary>The lease token this writer holds; an entry another's live lease covers is refused (<see cref="LeaseScope.Covers"/>).</summary>
    public string? LeaseToken { get; init; }

    /// <summary>The command that appends one entry; chain it before the command that makes the resource.</summary>
    public RemoteCommand AppendCommand(JournalEntry entry) =>
        RemoteCommand.Script(Scripts.JournalAppend, LockPath, JournalPath, entry.ToJsonLine(), LeasePath, LeaseToken ?? "",
            entry.Pool ?? "", entry.Domain ?? "");

    public async Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var result = await _host.RunAsync(AppendCommand(entry), cancellationToken).ConfigureAwait(false);
        if (result.ExitedWith(HostScriptExit.Busy)) throw Busy(result);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.JournalWriteFailed, XenErrorCategory.WriteError, _host.Name,
                $"Could not write the journal {JournalPath} on {_host.Name}: {result.StdErr.Trim()}. Nothing was made.");
    }

    /// <summary>XenHostBusy for an append (alone or in a chain) that exited 75: who holds the lease, until when.</summary>
    public XenHostException Busy(CommandResult result) =>
        new(XenErrorIds.HostBusy, XenErrorCategory.ResourceUnavailable, _host.Name,
            $"Nothing was made on {_host.Name}: what it needs is {HostLease.Holder(result)}.")
        { RecommendedAction = "Run again when the other controller has finished (its lease runs out at the time given at the latest)." };

    /// <summary>Prints the journal's lines; for callers that read it in the same round trip as something else.</summary>
    public RemoteCommand ReadCommand => RemoteCommand.Script(Scripts.JournalRead, JournalPath);

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await _host.RunAsync(ReadCommand, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw ReadFailed(result);
        return Parse(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public XenHostException ReadFailed(CommandResult result) =>
        new(XenErrorIds.JournalReadFailed, XenErrorCategory.ReadError, _host.Name,
            $"Could not read the journal {JournalPath} on {_host.Name}: {result.StdErr.Trim()}");

    /// <summary>The entries of the journal's lines; a torn or foreign line is skipped.</summary>
    public static IReadOnlyList<JournalEntry> Parse(IEnumerable<string> lines) =>
        lines.Select(JournalEntry.TryParse).Where(e => e is not null).Cast<JournalEntry>().ToArray();

    public async Task<JournalState> ReadStateAsync(CancellationToken cancellationToken) =>
        new(await ReadAsync(cancellationToken).ConfigureAwait(false));
}
