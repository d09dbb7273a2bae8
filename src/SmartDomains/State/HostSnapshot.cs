using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.Storage;
using SmartDomains.Xl;

namespace SmartDomains.State;

/// <summary>
/// What a host looks like when an operation begins: its domains (xl list -v), its journal and its lease table, read in one
/// round trip. Every operation that decides from them reads them here.
/// </summary>
public sealed class HostSnapshot
{
    // Between xl's output and the journal's, and between the journal and the stat lines.
    private static readonly OutputMarker JournalFollows = new("journal");
    private static readonly OutputMarker LeasesFollow = new("leases");
    private static readonly OutputMarker StatFollows = new("stat");

    public required HostConnection Connection { get; init; }
    public required IReadOnlyList<XenDomain> Domains { get; init; }
    public required JournalState Journal { get; init; }
    public required HostJournal JournalWriter { get; init; }
    /// <summary>The host's leases and its clock, read just after the journal.</summary>
    public LeaseTable Leases { get; init; } = LeaseTable.Empty;
    /// <summary>How many lines the journal had: a cleaning run finishes only if it still has as many.</summary>
    public int JournalLines { get; init; }

    /// <summary>What was at the paths asked for, read just after the journal (storage targets, so a start need not stat each).</summary>
    public IReadOnlyDictionary<string, PathStat> Paths { get; init; } = new Dictionary<string, PathStat>();

    public XenDomain? Running(string name) => Domains.FirstOrDefault(d => d.Name == name);

    /// <summary>Another controller's live lease on this pool (or this domain of it, or the whole host), or null: leave it alone.</summary>
    public HostLeaseRecord? HeldElsewhere(string pool, string? domain = null, string? ownToken = null) =>
        Leases.HeldElsewhere(pool, domain, ownToken ?? JournalWriter.LeaseToken);

    public static Task<HostSnapshot> ReadAsync(HostConnection connection, CancellationToken cancellationToken) =>
        ReadAsync(connection, new HostJournal(connection), cancellationToken);

    /// <param name="paths">Paths to stat in the same round trip, after the journal is read (see <see cref="Paths"/>).</param>
    /// <exception cref="XlCommandException">xl list failed.</exception>
    /// <exception cref="XenHostException">The journal could not be read (XenJournalReadFailed), or the paths not looked at.</exception>
    public static async Task<HostSnapshot> ReadAsync(HostConnection connection, HostJournal journal, CancellationToken cancellationToken,
        params string[] paths)
    {
        var list = RemoteCommand.Xl("list", "-v");
        var steps = new List<RemoteCommand> { list, JournalFollows.Command, journal.ReadCommand, LeasesFollow.Command, LeaseTable.ReadCommand(connection) };
        if (paths.Length > 0) steps.AddRange(new[] { StatFollows.Command, RemotePaths.StatCommand(paths) });
        var result = await connection.RunAsync(RemoteCommand.All(steps.ToArray()), cancellationToken).ConfigureAwait(false);
        if (!JournalFollows.TrySplit(result.StdOut, out var listed, out var journalText)) throw XlFailure.From(result, list);
        var statText = "";
        if (!LeasesFollow.TrySplit(journalText, out journalText, out var leaseText)) throw journal.ReadFailed(result);
        var leasesRead = paths.Length > 0 ? StatFollows.TrySplit(leaseText, out leaseText, out statText) : result.Succeeded;
        if (!leasesRead) throw journal.ReadFailed(result);
        return new HostSnapshot
        {
            Connection = connection,
            Domains = XlListParser.Parse(listed, connection.Name),
            Journal = new JournalState(HostJournal.Parse(journalText.Split('\n', StringSplitOptions.RemoveEmptyEntries))),
            JournalWriter = journal,
            Leases = LeaseTable.Parse(leaseText),
            JournalLines = journalText.Count(c => c == '\n'),   // as wc -l counts them
            Paths = paths.Length == 0 ? new Dictionary<string, PathStat>()
                : RemotePaths.ParseStat(connection, XenErrorIds.StorageFailed, result, statText.Split('\n'), paths),
        };
    }
}
