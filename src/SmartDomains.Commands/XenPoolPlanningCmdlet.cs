using SmartDomains.Commands.Arguments;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Xl;

namespace SmartDomains.Commands;

/// <summary>
/// Base of the cmdlets that read a pool file and plan it onto the connected hosts (New-XenPool; Sync- and Test-XenPool
/// with -Path): the host capacities and any earlier placement are read, then PoolPlanner places the domains.
/// </summary>
public abstract class XenPoolPlanningCmdlet : XenCmdlet
{
    private protected XenPool? LoadAndPlan(Func<PoolDefinition> load, string target, XenHostArgument[]? hosts)
    {
        PoolDefinition definition;
        try { definition = load(); }
        catch (XenHostException ex)
        {
            WriteError(ToErrorRecord(ex, target));
            return null;
        }
        var connections = ResolveConnections(hosts);
        if (connections.Count == 0) return null;
        try
        {
            // A domain larger than any host is a mistake in the file: found from cached facts, before any host is asked.
            PoolPlanner.CheckFitsSomeHost(definition, connections.Select(c => c.Host.TotalMemoryMiB ?? long.MaxValue).Max(), connections.MaxBy(c => c.Host.TotalMemoryMiB ?? 0)!.Name);
            var (capacities, previous) = ReadHosts(connections, definition.Name);
            if (capacities.Count < connections.Count) return null;
            return PoolPlanner.Plan(definition, capacities, previous);
        }
        catch (XenHostException ex)
        {
            WriteError(ToErrorRecord(ex, target));
            return null;
        }
    }

    /// <summary>Each host's capacity (xl info), and where an earlier start of this pool put its domains (journal, xl list).</summary>
    private (IReadOnlyList<HostCapacity> Capacities, IReadOnlyDictionary<string, PreviousPlacement> Previous) ReadHosts(
        IReadOnlyList<HostConnection> connections, string pool)
    {
        var read = CollectFromHosts(connections, async (connection, _) =>
        {
            var infoTask = connection.RunXlAsync(Cancellation, "info");
            var view = await PoolCatalog.ReadHostAsync(connection, Cancellation).ConfigureAwait(false);
            var info = XlInfoParser.Parse((await infoTask.ConfigureAwait(false)).StdOut, connection.Name);
            var host = connection.Host;
            (host.TotalMemoryMiB, host.FreeMemoryMiB, host.NrCpus, host.XenVersion) = (info.TotalMemoryMiB, info.FreeMemoryMiB, info.NrCpus, info.XenVersion);
            return (new HostCapacity(connection.Name, info.TotalMemoryMiB, info.FreeMemoryMiB, info.NrCpus, host.ConfigDir, host.ImageDir, host.VifScript), view);
        });
        var previous = new Dictionary<string, PreviousPlacement>(StringComparer.Ordinal);
        foreach (var (connection, (_, view)) in read)
        {
            var record = view.Journal.Resources.LastOrDefault(r => r.Kind == State.ResourceKinds.Pool && r.Resource == pool && r.Exists);
            if (record is null || PoolRecord.FromJournal(record.Last) is not { } poolRecord) continue;
            foreach (var d in poolRecord.Domains)
                previous[d.Name] = new PreviousPlacement(connection.Name, view.Domains.Any(x => x.Name == d.Name));
        }
        return (read.Select(r => r.Result.Item1).ToArray(), previous);
    }
}
