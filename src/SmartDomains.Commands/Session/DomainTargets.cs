using System.Management.Automation;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>
/// The domains a per-domain cmdlet acts on, in input order and without repeats: domains already placed (a piped XenDomain),
/// and names with the hosts given (or none: every connected host). What needs looking up is read once per host, all hosts in
/// parallel, as <see cref="DomainLookup"/> says; a literal name found nowhere comes back in <c>Missing</c>.
/// </summary>
internal sealed class DomainTargets
{
    /// <summary>A literal name found on no host; <c>Hosts</c> are the hosts that were asked and answered.</summary>
    internal sealed record MissingDomain(string Name, IReadOnlyList<string> Hosts);

    private readonly List<(DomainTarget? Placed, string[] Names, IReadOnlyList<HostConnection>? Hosts)> _input = new();

    public void Add(DomainTarget placed) => _input.Add((placed, Array.Empty<string>(), null));

    /// <param name="hosts">The hosts given, or null for every connected host.</param>
    public void Add(string[] names, IReadOnlyList<HostConnection>? hosts) => _input.Add((null, names, hosts));

    public (IReadOnlyList<DomainTarget> Found, IReadOnlyList<MissingDomain> Missing) Resolve(XenCmdlet cmdlet, DomainLookup lookup,
        CancellationToken ct)
    {
        var toAsk = _input.Where(i => i.Placed is null && !TakenAsGiven(i.Names, i.Hosts, lookup)).ToArray();
        IReadOnlyList<HostConnection>? connected = null;
        IReadOnlyList<HostConnection> HostsOf(IReadOnlyList<HostConnection>? given) => given ?? (connected ??= cmdlet.ResolveConnections(null));
        var asked = toAsk.SelectMany(i => HostsOf(i.Hosts)).DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        var answers = asked.Length == 0 ? new Dictionary<HostConnection, DomainLookup.HostDomains>()
            : cmdlet.CollectFromHosts(asked, (c, _) => lookup.Read(c, ct)).ToDictionary(x => x.Connection, x => x.Result);

        var found = new List<DomainTarget>();
        var missing = new List<MissingDomain>();
        foreach (var (placed, names, given) in _input)
        {
            if (placed is not null) found.Add(placed);
            else if (TakenAsGiven(names, given, lookup)) found.AddRange(names.SelectMany(n => given!.Select(h => new DomainTarget(h, n, n))));
            else
            {
                // A host whose read failed is left out: its error is written.
                var hosts = HostsOf(given).Where(answers.ContainsKey).Select(h => answers[h]).ToArray();
                foreach (var name in names)
                {
                    var hits = Find(name, hosts, lookup);
                    if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        missing.Add(new MissingDomain(name, hosts.Select(h => h.Host.Name).ToArray()));
                    found.AddRange(hits);
                }
            }
        }
        return (found.DistinctBy(t => (t.Host.Name.ToUpperInvariant(), t.Domain)).ToArray(),
            missing.DistinctBy(m => (m.Name, string.Join(",", m.Hosts))).ToArray());
    }

    private static bool TakenAsGiven(string[] names, IReadOnlyList<HostConnection>? hosts, DomainLookup lookup) =>
        hosts is not null && (lookup.TakeGivenHosts || (hosts.Count == 1 && !names.Any(WildcardPattern.ContainsWildcardCharacters)));

    /// <summary>Where xl lists the name, host by host; and where a host holds it, when the lookup counts that.</summary>
    private static List<DomainTarget> Find(string name, IReadOnlyList<DomainLookup.HostDomains> hosts, DomainLookup lookup)
    {
        var matches = lookup.Matcher(name);
        var running = hosts.SelectMany(h => h.Listed.Where(d => d.DomId != 0 && d.Name is not null && matches(d.Name))
            .Select(d => new DomainTarget(h.Host, d.Name!, d))).ToList();
        if (running.Count > 0 && lookup.HeldOnlyIfRunsNowhere) return running;
        var result = new List<DomainTarget>();
        foreach (var h in hosts)
        {
            var here = running.Where(t => t.Host == h.Host).ToArray();
            if (here.Length > 0) result.AddRange(here);
            else if (h.Holds(name)) result.Add(new DomainTarget(h.Host, name, name));
        }
        return result;
    }
}
