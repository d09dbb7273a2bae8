using SmartDomains.Pools;

namespace SmartDomains.Planning;

/// <summary>
/// Chooses a host for every domain. Pinned domains first, then anti-affinity groups, then the largest domains first,
/// so what is hardest to place gets the most choice. spread keeps the most free memory on the chosen host; pack the least.
/// </summary>
public static class PlacementPlanner
{
    /// <param name="previous">Where an earlier run of the same pool put a domain, and whether it runs there now. A domain stays
    /// where it is (a second copy elsewhere would be a second machine); a running one already counts in its host's free memory.</param>
    public static IReadOnlyDictionary<string, string> Place(PoolDefinition pool, IReadOnlyList<HostCapacity> hosts,
        IReadOnlyDictionary<string, PreviousPlacement>? previous = null)
    {
        var free = hosts.ToDictionary(h => h.Name, h => h.FreeMemoryMiB, StringComparer.OrdinalIgnoreCase);
        var groups = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new List<PlacementFailure>();
        void Take(PoolDomain domain, string host, bool counted)
        {
            if (!counted) free[host] -= domain.MemoryMiB;
            chosen[domain.Name] = host;
            if (domain.AntiAffinity is null) return;
            if (!groups.TryGetValue(domain.AntiAffinity, out var set)) groups[domain.AntiAffinity] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            set.Add(host);
        }

        foreach (var domain in pool.Domains)
        {
            if (previous is null || !previous.TryGetValue(domain.Name, out var before) || !free.ContainsKey(before.Host)) continue;
            if (domain.PinnedHost is not null && !string.Equals(domain.PinnedHost, before.Host, StringComparison.OrdinalIgnoreCase)) continue;
            if (before.Running || free[before.Host] >= domain.MemoryMiB) Take(domain, hosts.First(h => string.Equals(h.Name, before.Host, StringComparison.OrdinalIgnoreCase)).Name, before.Running);
        }

        var order = pool.Domains
            .OrderBy(d => d.PinnedHost is null ? 1 : 0)
            .ThenBy(d => d.AntiAffinity is null ? 1 : 0)
            .ThenByDescending(d => d.MemoryMiB)
            .ThenBy(d => d.Name, StringComparer.Ordinal);

        foreach (var domain in order.Where(d => !chosen.ContainsKey(d.Name)))
        {
            var eligible = hosts.Where(h => domain.PinnedHost is null || string.Equals(h.Name, domain.PinnedHost, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (eligible.Length == 0)
            {
                failures.Add(new PlacementFailure(domain.Name, "host", 1, 0, "hosts",
                    $"it is pinned to host '{domain.PinnedHost}', which is not among the target hosts ({string.Join(", ", hosts.Select(h => h.Name))})"));
                continue;
            }
            var separated = eligible.Where(h => domain.AntiAffinity is null || !groups.TryGetValue(domain.AntiAffinity, out var used) || !used.Contains(h.Name)).ToArray();
            if (separated.Length == 0)
            {
                failures.Add(new PlacementFailure(domain.Name, "anti-affinity", eligible.Length + 1, eligible.Length, "hosts",
                    $"anti-affinity group '{domain.AntiAffinity}' already has a domain on every eligible host ({eligible.Length}); it needs one more host"));
                continue;
            }
            var fitting = separated.Where(h => free[h.Name] >= domain.MemoryMiB).ToArray();
            if (fitting.Length == 0)
            {
                var best = separated.MaxBy(h => free[h.Name])!;
                failures.Add(new PlacementFailure(domain.Name, "memory", domain.MemoryMiB, free[best.Name], "MiB",
                    $"needs {domain.MemoryMiB} MiB of memory; the most free on an eligible host is {free[best.Name]} MiB on {best.Name} (short by {domain.MemoryMiB - free[best.Name]} MiB)"));
                continue;
            }
            var policy = domain.PlacementPolicy ?? pool.PlacementPolicy;
            var host = policy == "pack"
                ? fitting.OrderBy(h => free[h.Name]).ThenBy(h => h.Name, StringComparer.Ordinal).First()
                : fitting.OrderByDescending(h => free[h.Name]).ThenBy(h => h.Name, StringComparer.Ordinal).First();
            Take(domain, host.Name, counted: false);
        }
        if (failures.Count > 0) throw new PlacementFailedException(pool.Name, failures.OrderBy(f => f.Domain, StringComparer.Ordinal).ToArray());
        return chosen;
    }
}

/// <summary>Where an earlier start of the same pool put a domain, from the host's journal.</summary>
public sealed record PreviousPlacement(string Host, bool Running);
