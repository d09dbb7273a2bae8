using SmartDomains.Pools;
using SmartDomains.XlConfig;

namespace SmartDomains.Planning;

/// <summary>A planned pool: resolved domains with their hosts, the storage to prepare, and the start order.</summary>
public sealed class XenPool
{
    public XenPool(PoolDefinition definition, IReadOnlyList<HostCapacity> hosts, IReadOnlyList<StorageItem> storage)
    {
        Definition = definition;
        Storage = storage;
        HostCapacities = hosts;
    }

    public PoolDefinition Definition { get; }
    public string Name => Definition.Name;
    public string SourceFile => Definition.SourceFile;
    public string Policy => Definition.PlacementPolicy;
    public IReadOnlyList<PoolDomain> Domains => Definition.Domains;
    public IReadOnlyList<IReadOnlyList<string>> Stages => Definition.Stages;
    public IReadOnlyList<StorageItem> Storage { get; }
    public IReadOnlyList<HostCapacity> HostCapacities { get; }
    public IReadOnlyList<string> Hosts => Domains.Select(d => d.Host!).Distinct().Order(StringComparer.Ordinal).ToArray();
    public int DomainCount => Domains.Count;

    /// <summary>Filled by Get-XenPool: each domain as xl lists it now, or null when it does not run.</summary>
    public Dictionary<string, Model.XenDomain?> LiveStates { get; } = new(StringComparer.Ordinal);
    /// <summary>How many domains run now (Get-XenPool), or null for a fresh plan.</summary>
    public int? RunningCount => LiveStates.Count == 0 ? null : LiveStates.Values.Count(d => d is { State: Model.DomainState.Running or Model.DomainState.Blocked });
    public long MemoryMiB => Domains.Sum(d => d.MemoryMiB);

    /// <summary>The exact xl.cfg of one domain, from the one renderer.</summary>
    public string RenderConfig(PoolDomain domain, Guid? uuid = null) => XlConfigRenderer.Render(domain, Name, uuid, HostOf(domain).VifScript);

    public string ConfigPath(PoolDomain domain) => HostOf(domain).Layout.ConfigFile(domain.Name);

    private HostCapacity HostOf(PoolDomain domain) =>
        HostCapacities.First(h => string.Equals(h.Name, domain.Host, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Name;
}
