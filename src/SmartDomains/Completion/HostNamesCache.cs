using System.Runtime.CompilerServices;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.State;

namespace SmartDomains.Completion;

/// <summary>The domain and pool names one host had when last read, for tab completion.</summary>
public sealed record HostNames(string Host, IReadOnlyList<string> Domains, IReadOnlyList<string> Pools, DateTimeOffset ReadAt);

/// <summary>
/// Names for tab completion, read from each host's snapshot (xl list -v and the journal, one round trip) and kept for a few
/// seconds, so pressing Tab again is instant and Tab never waits on a slow host for longer than the deadline: a host that
/// has not answered by then gives what it said last time, and its refresh goes on in the background.
/// </summary>
public sealed class HostNamesCache
{
    public static HostNamesCache Shared { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1.5));

    private sealed class Entry
    {
        public HostNames? Names;
        public Task? Refresh;
    }

    // Keyed by the connection object, so a reconnect (a new HostConnection) starts afresh.
    private readonly ConditionalWeakTable<HostConnection, Entry> _entries = new();
    private readonly TimeSpan _fresh;
    private readonly TimeSpan _deadline;

    public HostNamesCache(TimeSpan fresh, TimeSpan deadline) => (_fresh, _deadline) = (fresh, deadline);

    /// <summary>Each host's names, refreshed where older than the freshness window, waiting at most the deadline in all.</summary>
    public IReadOnlyList<HostNames> Read(IEnumerable<HostConnection> hosts)
    {
        var entries = hosts.Select(h => (Host: h, Entry: _entries.GetValue(h, _ => new Entry()))).ToArray();
        var pending = entries.Select(e => StartRefresh(e.Host, e.Entry)).OfType<Task>().ToArray();
        if (pending.Length > 0) Task.WaitAll(pending, _deadline);
        return entries.Select(e => Volatile.Read(ref e.Entry.Names)).OfType<HostNames>().ToArray();
    }

    private Task? StartRefresh(HostConnection host, Entry entry)
    {
        lock (entry)
        {
            var names = entry.Names;
            if (names is not null && DateTimeOffset.UtcNow - names.ReadAt < _fresh) return null;
            if (entry.Refresh is { IsCompleted: false } running) return running;
            entry.Refresh = Task.Run(async () =>
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    var view = await PoolCatalog.ReadHostAsync(host, timeout.Token).ConfigureAwait(false);
                    var domains = view.Domains.Where(d => d.DomId != 0 && !string.IsNullOrEmpty(d.Name)).Select(d => d.Name!).ToArray();
                    var pools = view.Journal.Resources.Where(r => r.Kind == ResourceKinds.Pool && r.Exists).Select(r => r.Resource).Distinct().ToArray();
                    Volatile.Write(ref entry.Names, new HostNames(host.Name, domains, pools, DateTimeOffset.UtcNow));
                }
                // Completion offers what it has; the cmdlet itself reports an unreachable host when it runs.
                catch (Exception) { }
            });
            return entry.Refresh;
        }
    }
}
