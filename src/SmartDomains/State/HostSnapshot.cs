using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.State;
using SmartDomains.Xl;

namespace SmartDomains.State;

/// <summary>What a host looks like when a run begins: its domains (xl list) and its journal, read in one go.</summary>
public sealed class HostSnapshot
{
    public required HostConnection Connection { get; init; }
    public required IReadOnlyList<XenDomain> Domains { get; init; }
    public required JournalState Journal { get; init; }
    public required HostJournal JournalWriter { get; init; }

    public XenDomain? Running(string name) => Domains.FirstOrDefault(d => d.Name == name);

    public static async Task<HostSnapshot> ReadAsync(HostConnection connection, CancellationToken cancellationToken)
    {
        var journal = new HostJournal(connection);
        var list = connection.RunXlAsync(cancellationToken, "list", "-v");
        var state = journal.ReadStateAsync(cancellationToken);
        return new HostSnapshot
        {
            Connection = connection,
            Domains = XlListParser.Parse((await list.ConfigureAwait(false)).StdOut, connection.Name),
            Journal = await state.ConfigureAwait(false),
            JournalWriter = journal,
        };
    }
}
