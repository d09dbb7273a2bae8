using SmartDomains.Model;
using SmartDomains.Xl;

namespace SmartDomains.Hosts;

/// <summary>Reads a host's live facts (xl info, xl list) into its XenHost object.</summary>
public static class HostFacts
{
    public static async Task<XenHost> RefreshAsync(HostConnection connection, CancellationToken cancellationToken)
    {
        var info = connection.RunXlAsync(cancellationToken, "info");
        var list = connection.RunXlAsync(cancellationToken, "list");
        var facts = XlInfoParser.Parse((await info.ConfigureAwait(false)).StdOut, connection.Name);
        var domains = XlListParser.Parse((await list.ConfigureAwait(false)).StdOut, connection.Name);
        var host = connection.Host;
        host.XenVersion = facts.XenVersion;
        host.NrCpus = facts.NrCpus;
        host.TotalMemoryMiB = facts.TotalMemoryMiB;
        host.FreeMemoryMiB = facts.FreeMemoryMiB;
        // Guests only: Domain-0 is always there and is not the operator's.
        host.DomainCount = domains.Count(d => d.DomId != 0);
        return host;
    }
}
