namespace SmartDomains.Pools;

/// <summary>A pool description read, merged, expanded and checked: every domain final, dependencies resolved.</summary>
public sealed class PoolDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string SourceFile { get; init; }
    public string PlacementPolicy { get; init; } = "spread";
    /// <summary>The pool's "images": base and saved image repositories, as absolute local paths.</summary>
    public PoolImages Images { get; init; } = new();
    public required IReadOnlyList<PoolDomain> Domains { get; init; }
    /// <summary>Start stages: every domain in a stage depends only on domains of earlier stages.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Stages { get; init; }
}
