using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Planning;
using SmartDomains.State;
using SmartDomains.Xl;

namespace SmartDomains.Lifecycle;

/// <summary>Rebuilds pools from the hosts' journals, with each domain's live state, so any controller can pick a pool up.</summary>
public static class PoolCatalog
{
    public sealed record HostView(HostConnection Connection, JournalState Journal, IReadOnlyList<XenDomain> Domains);

    public static async Task<HostView> ReadHostAsync(HostConnection connection, CancellationToken ct)
    {
        var snapshot = await HostSnapshot.ReadAsync(connection, ct).ConfigureAwait(false);
        return new HostView(connection, snapshot.Journal, snapshot.Domains);
    }

    /// <summary>Every pool whose record is live in at least one host's journal.</summary>
    public static IReadOnlyList<XenPool> Rebuild(IReadOnlyList<HostView> hosts)
    {
        var parts = new List<(PoolRecord Record, HostCapacity Host, HostView View)>();
        foreach (var view in hosts)
        {
            foreach (var resource in view.Journal.Resources.Where(r => r.Kind == ResourceKinds.Pool && r.Exists))
            {
                if (PoolRecord.FromJournal(resource.Last) is not { } record) continue;
                var h = view.Connection.Host;
                parts.Add((record, new HostCapacity(h.Name, h.TotalMemoryMiB ?? 0, h.FreeMemoryMiB ?? 0, h.NrCpus ?? 0, h.ConfigDir, h.ImageDir, h.VifScript), view));
            }
        }
        var pools = new List<XenPool>();
        foreach (var group in parts.GroupBy(p => p.Record.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var pool = PoolRecord.Rebuild(group.Select(p => (p.Record, p.Host)).ToArray());
            foreach (var (record, _, view) in group)
                foreach (var domain in record.Domains)
                    pool.LiveStates[domain.Name] = view.Domains.FirstOrDefault(d => d.Name == domain.Name);
            pools.Add(pool);
        }
        return pools;
    }
}
