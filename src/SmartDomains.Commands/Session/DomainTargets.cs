using System.Management.Automation;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;

namespace SmartDomains.Commands;

/// <summary>
/// The domains a per-domain cmdlet acts on: names from the pipeline, with -Host or without. A domain given without a host is
/// looked for on every connected host (one xl list and one journal read each): where xl lists it, and otherwise (or also)
/// where <c>elsewhere</c> says it has something of it (a journaled config, an interrupted save).
/// </summary>
internal sealed class DomainTargets
{
    private readonly List<(string Domain, HostConnection? Host)> _targets = new();

    public void Add(IEnumerable<string> names, IReadOnlyList<HostConnection>? hosts)
    {
        foreach (var name in names)
        {
            if (hosts is null) _targets.Add((name, null));
            else foreach (var h in hosts) _targets.Add((name, h));
        }
    }

    /// <param name="elsewhere">Whether a host that does not run the domain still holds it.</param>
    /// <param name="onlyIfRunsNowhere">Look elsewhere only for a domain that runs on no host; otherwise take both.</param>
    public IReadOnlyList<(string Domain, HostConnection Host)> Locate(XenCmdlet cmdlet, Func<PoolCatalog.HostView, string, bool> elsewhere,
        bool onlyIfRunsNowhere, string notFoundMessage, CancellationToken ct)
    {
        var located = _targets.Where(t => t.Host is not null).Select(t => (t.Domain, t.Host!)).ToList();
        var unplaced = _targets.Where(t => t.Host is null).Select(t => t.Domain).Distinct().ToArray();
        if (unplaced.Length == 0) return located;
        var views = cmdlet.CollectFromHosts(cmdlet.ResolveConnections(null), (c, _) => PoolCatalog.ReadHostAsync(c, ct)).Select(v => v.Result).ToArray();
        foreach (var domain in unplaced)
        {
            var running = views.Where(v => v.Domains.Any(d => d.Name == domain)).ToArray();
            var found = running.Length > 0 && onlyIfRunsNowhere ? running
                : views.Where(v => running.Contains(v) || elsewhere(v, domain)).ToArray();
            if (found.Length == 0)
                cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException(string.Format(notFoundMessage, domain)),
                    XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, domain));
            located.AddRange(found.Select(v => (domain, v.Connection)));
        }
        return located;
    }
}
