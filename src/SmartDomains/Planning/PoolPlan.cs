using SmartDomains.Pools;

namespace SmartDomains.Planning;

/// <summary>Turns a pool definition and host capacities into a plan: a host per domain, disk targets and the storage list.</summary>
public static class PoolPlanner
{
    public static XenPool Plan(PoolDefinition pool, IReadOnlyList<HostCapacity> hosts, IReadOnlyDictionary<string, PreviousPlacement>? previous = null)
    {
        var largest = hosts.MaxBy(h => h.TotalMemoryMiB);
        if (largest is not null) CheckFitsSomeHost(pool, largest.TotalMemoryMiB, largest.Name);
        var placement = PlacementPlanner.Place(pool, hosts, previous);
        var byName = hosts.ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);
        var storage = new List<StorageItem>();
        foreach (var domain in pool.Domains)
        {
            domain.Host = placement[domain.Name];
            var host = byName[domain.Host];
            foreach (var disk in domain.Disks)
            {
                var lvm = disk.Backend == "lvm";
                disk.Target = lvm
                    ? $"/dev/{disk.VolumeGroup}/{domain.Name}-{disk.Vdev}"
                    : host.Layout.PoolDiskFile(pool.Name, domain.Name, disk.Vdev, disk.Format == "qcow2" ? "qcow2" : "img");
                storage.Add(new StorageItem
                {
                    Host = host.Name,
                    Domain = domain.Name,
                    Kind = lvm ? StorageKind.LogicalVolume : StorageKind.ImageFile,
                    Path = disk.Target,
                    SizeBytes = disk.SizeBytes,
                    Format = disk.Format,
                    From = disk.From,
                    Filesystem = disk.Filesystem,
                    VolumeGroup = disk.VolumeGroup,
                });
            }
        }
        return new XenPool(pool, hosts, storage);
    }

    /// <summary>A domain bigger than every host can never run: that is a mistake in the file, reported with its position.</summary>
    public static void CheckFitsSomeHost(PoolDefinition pool, long largestTotalMiB, string largestHost)
    {
        var errors = pool.Domains.Where(d => d.MemoryMiB > largestTotalMiB)
            .GroupBy(d => d.Source).Select(g => g.First())
            .Select(d => MemoryError(d, $"domain '{d.GroupName}' asks for {d.MemoryMiB} MiB of memory, more than any host has in total (the largest is {largestHost} with {largestTotalMiB} MiB)"))
            .ToArray();
        if (errors.Length > 0) throw new PoolFileInvalidException(errors);
    }

    private static PoolError MemoryError(PoolDomain domain, string message) =>
        domain.Origins.TryGetValue("memory", out var at) ? at with { Message = message } : new PoolError(domain.Source, 1, 1, "", message);
}
