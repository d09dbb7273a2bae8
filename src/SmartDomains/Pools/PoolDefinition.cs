namespace SmartDomains.Pools;

/// <summary>A pool description read, merged, expanded and checked: every domain final, dependencies resolved.</summary>
public sealed class PoolDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string SourceFile { get; init; }
    public string PlacementPolicy { get; init; } = "spread";
    public required IReadOnlyList<PoolDomain> Domains { get; init; }
    /// <summary>Start stages: every domain in a stage depends only on domains of earlier stages.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Stages { get; init; }
}
