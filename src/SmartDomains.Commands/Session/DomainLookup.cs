using System.Management.Automation;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Model;
using SmartDomains.Xl;

namespace SmartDomains.Commands.Session;

/// <summary>
/// How <see cref="DomainTargets"/> finds domains: what it reads from each host, when a name given with hosts is taken as
/// given, how names match, and whether a host that only holds a domain (a journaled config, an interrupted save) counts.
/// </summary>
internal sealed record DomainLookup
{
    /// <summary>What one host has: the domains xl lists, and whether it holds a name it does not run.</summary>
    internal sealed record HostDomains(HostConnection Host, IReadOnlyList<XenDomain> Listed, Func<string, bool> Holds);

    public required Func<HostConnection, CancellationToken, Task<HostDomains>> Read { get; init; }

    /// <summary>
    /// True: a name given with hosts is taken on each of them without asking (the action itself reports a host that lacks it).
    /// False: only a literal name on a single host is; a name on several hosts, or a wildcard, is looked up.
    /// </summary>
    public bool TakeGivenHosts { get; init; }

    /// <summary>Count the hosts that only hold a domain when it runs on none (Start finds its config; Stop of a stopped one is a no-op).</summary>
    public bool HeldOnlyIfRunsNowhere { get; init; }

    /// <summary>Literal and case-sensitive as xl's names are, or PowerShell wildcards ignoring case.</summary>
    public bool Wildcards { get; init; }

    /// <summary>Test-XenDomainLiveness and Wait-XenDomain: `xl list`, wildcards, nothing held.</summary>
    public static DomainLookup Listing { get; } = new()
    {
        Read = async (c, ct) => new HostDomains(c,
            XlListParser.Parse((await c.RunXlAsync(ct, "list").ConfigureAwait(false)).StdOut, c.Name), _ => false),
        Wildcards = true,
    };

    /// <summary>The cmdlets that change domains: `xl list -v` and the journal (for <paramref name="holds"/>), exact names, hosts as given.</summary>
    public static DomainLookup Catalog(Func<PoolCatalog.HostView, string, bool> holds, bool heldOnlyIfRunsNowhere) => new()
    {
        Read = async (c, ct) =>
        {
            var view = await PoolCatalog.ReadHostAsync(c, ct).ConfigureAwait(false);
            return new HostDomains(c, view.Domains, name => holds(view, name));
        },
        TakeGivenHosts = true,
        HeldOnlyIfRunsNowhere = heldOnlyIfRunsNowhere,
    };

    internal Func<string, bool> Matcher(string name)
    {
        if (!Wildcards) return n => n == name;
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return pattern.IsMatch;
    }
}
