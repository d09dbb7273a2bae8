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
    // A fixed script: $1 lock file, $2 journal, $3 the JSON line. The state dir is made on first use (and journaled by being the journal's home).
    private const string AppendScript =
        "mkdir -p \"$(dirname \"$2\")\" && exec 9>>\"$1\" && flock -w 60 9 && printf '%s\\n' \"$3\" >> \"$2\"";
    private const string ReadScript = "if [ -f \"$1\" ]; then cat \"$1\"; fi";

    private readonly HostConnection _host;

    public HostJournal(HostConnection host) => _host = host;

    public string JournalPath => _host.Host.StateDir.TrimEnd('/') + "/journal.jsonl";
    public string LockPath => _host.Host.StateDir.TrimEnd('/') + "/journal.lock";

    /// <summary>The command that appends one entry; chain it before the command that makes the resource.</summary>
    public RemoteCommand AppendCommand(JournalEntry entry) =>
        RemoteCommand.Script(AppendScript, LockPath, JournalPath, entry.ToJsonLine());

    public async Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var result = await _host.RunAsync(AppendCommand(entry), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException("XenJournalWriteFailed", XenErrorCategory.WriteError, _host.Name,
                $"Could not write the journal {JournalPath} on {_host.Name}: {result.StdErr.Trim()}. Nothing was made.");
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await _host.RunAsync(RemoteCommand.Script(ReadScript, JournalPath), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException("XenJournalReadFailed", XenErrorCategory.ReadError, _host.Name,
                $"Could not read the journal {JournalPath} on {_host.Name}: {result.StdErr.Trim()}");
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(JournalEntry.TryParse).Where(e => e is not null).Cast<JournalEntry>().ToArray();
    }

    public async Task<JournalState> ReadStateAsync(CancellationToken cancellationToken) =>
        new(await ReadAsync(cancellationToken).ConfigureAwait(false));
}
