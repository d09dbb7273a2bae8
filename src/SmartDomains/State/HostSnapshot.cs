using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.Xl;

namespace SmartDomains.State;

/// <summary>
/// What a host looks like when an operation begins: its domains (xl list -v) and its journal, read in one round trip.
/// Every operation that decides from both reads them here.
/// </summary>
public sealed class HostSnapshot
{
    // Between xl's output and the journal's: a line xl list never prints.
    private const string JournalFollows = "@@smartdomains-journal";

    public required HostConnection Connection { get; init; }
    public required IReadOnlyList<XenDomain> Domains { get; init; }
    public required JournalState Journal { get; init; }
    public required HostJournal JournalWriter { get; init; }
    /// <summary>How many lines the journal had: a cleaning run finishes only if it still has as many.</summary>
    public int JournalLines { get; init; }

    public XenDomain? Running(string name) => Domains.FirstOrDefault(d => d.Name == name);

    public static Task<HostSnapshot> ReadAsync(HostConnection connection, CancellationToken cancellationToken) =>
        ReadAsync(connection, new HostJournal(connection), cancellationToken);

    /// <exception cref="XlCommandException">xl list failed.</exception>
    /// <exception cref="XenHostException">The journal could not be read (XenJournalReadFailed).</exception>
    public static async Task<HostSnapshot> ReadAsync(HostConnection connection, HostJournal journal, CancellationToken cancellationToken)
    {
        var list = RemoteCommand.Xl("list", "-v");
        var result = await connection.RunAsync(RemoteCommand.All(list, RemoteCommand.Of("echo", JournalFollows), journal.ReadCommand),
            cancellationToken).ConfigureAwait(false);
        var lines = result.StdOut.Split('\n');
        var split = Array.IndexOf(lines, JournalFollows);
        if (split < 0) throw XlFailure.From(result, list);
        if (!result.Succeeded) throw journal.ReadFailed(result);
        var journalText = string.Join('\n', lines.Skip(split + 1));
        return new HostSnapshot
        {
            Connection = connection,
            Domains = XlListParser.Parse(string.Join('\n', lines.Take(split)) + "\n", connection.Name),
            Journal = new JournalState(HostJournal.Parse(journalText.Split('\n', StringSplitOptions.RemoveEmptyEntries))),
            JournalWriter = journal,
            JournalLines = journalText.Count(c => c == '\n'),   // as wc -l counts them
        };
    }
}
