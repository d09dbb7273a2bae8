using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.State;

namespace SmartDomains.Lifecycle;

/// <summary>
/// A pool's plan as journaled on each of its hosts: enough for any controller to rebuild the pool (Get-XenPool) and carry on.
/// Each host holds its own domains and storage; the definition-level fields are the same on every host.
/// </summary>
public sealed class PoolRecord
{
    public required string Name { get; init; }
    public string? SourceFile { get; init; }
    public string Policy { get; init; } = "spread";
    public IReadOnlyList<IReadOnlyList<string>> Stages { get; init; } = Array.Empty<IReadOnlyList<string>>();
    public IReadOnlyList<PoolDomain> Domains { get; init; } = Array.Empty<PoolDomain>();
    public IReadOnlyList<StorageItem> Storage { get; init; } = Array.Empty<StorageItem>();

    public static PoolRecord ForHost(XenPool pool, string host) => new()
    {
        Name = pool.Name,
        SourceFile = pool.SourceFile,
        Policy = pool.Policy,
        Stages = pool.Stages,
        Domains = pool.Domains.Where(d => string.Equals(d.Host, host, StringComparison.OrdinalIgnoreCase)).ToArray(),
        Storage = pool.Storage.Where(s => string.Equals(s.Host, host, StringComparison.OrdinalIgnoreCase)).ToArray(),
    };

    public JournalEntry ToJournal(JournalOp op) => new()
    {
        Op = op,
        Kind = ResourceKinds.Pool,
        Resource = Name,
        Pool = Name,
        Data = op == JournalOp.Done ? JObject.FromObject(this) : null,
    };

    public static PoolRecord? FromJournal(JournalEntry entry) =>
        entry.Kind == ResourceKinds.Pool && entry.Data is not null ? entry.Data.ToObject<PoolRecord>() : null;

    /// <summary>Joins the records of one pool from all its hosts back into a plan.</summary>
    public static XenPool Rebuild(IReadOnlyList<(PoolRecord Record, HostCapacity Host)> parts)
    {
        var first = parts[0].Record;
        var domains = parts.SelectMany(p => p.Record.Domains).ToArray();
        var definition = new PoolDefinition
        {
            Name = first.Name,
            SourceFile = first.SourceFile ?? "(journal)",
            PlacementPolicy = first.Policy,
            Domains = domains,
            // Read from some hosts only, the pool knows only their domains.
            Stages = first.Stages.Select(s => (IReadOnlyList<string>)s.Where(n => domains.Any(d => d.Name == n)).ToArray()).Where(s => s.Count > 0).ToArray(),
        };
        return new XenPool(definition, parts.Select(p => p.Host).ToArray(), parts.SelectMany(p => p.Record.Storage).ToArray());
    }
}
