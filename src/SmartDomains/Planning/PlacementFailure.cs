namespace SmartDomains.Planning;

/// <summary>Why one domain could not be placed: which domain, which resource, and by how much it falls short.</summary>
public sealed record PlacementFailure(string Domain, string Resource, long Needed, long BestAvailable, string Unit, string Reason)
{
    /// <summary>How much is missing, in <see cref="Unit"/> (MiB of memory, or hosts for anti-affinity).</summary>
    public long ShortBy => Math.Max(0, Needed - BestAvailable);
    public override string ToString() => $"{Domain}: {Reason}";
}

public sealed class PlacementFailedException : XenHostException
{
    public const string Id = XenErrorIds.PoolPlacementFailed;
    public IReadOnlyList<PlacementFailure> Failures { get; }

    public PlacementFailedException(string pool, IReadOnlyList<PlacementFailure> failures)
        : base(Id, XenErrorCategory.ResourceUnavailable, null,
            $"Pool '{pool}' does not fit on the hosts:" + string.Concat(failures.Select(f => Environment.NewLine + "  " + f)))
    {
        Failures = failures;
        RecommendedAction = "Connect more hosts, free memory on them, or lower the domains' memory.";
    }
}
