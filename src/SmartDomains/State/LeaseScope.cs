using SmartDomains.Pools;

namespace SmartDomains.State;

/// <summary>
/// What a lease covers on one host: the whole host (Pool null), one pool (Domain null) or one domain of a pool. The rules are
/// lib/lease.sh's (lease_covers, lease_overlaps), stated again here so a controller can judge a lease table it has read.
/// </summary>
public sealed record LeaseScope
{
    private LeaseScope(string? pool, string? domain) { Pool = pool; Domain = domain; }

    public string? Pool { get; }
    public string? Domain { get; }

    /// <summary>The whole host: Clear-XenHost, and the shared resources (base images, directories) of a pool's removal.</summary>
    public static LeaseScope Host { get; } = new(null, null);

    public static LeaseScope OfPool(string pool) => new(Checked(pool, "pool"), null);

    public static LeaseScope OfDomain(string pool, string domain) => new(Checked(pool, "pool"), Checked(domain, "domain"));

    public bool IsHost => Pool is null;

    /// <summary>A lease of this scope covers a journal entry of that pool and domain; an entry of no pool is the host's.</summary>
    public bool Covers(string? pool, string? domain) =>
        Pool is null || (pool is not null && Pool == pool && (Domain is null || Domain == domain));

    /// <summary>Two leases of overlapping scopes cannot both be held by different controllers.</summary>
    public bool Overlaps(LeaseScope other) =>
        Pool is null || other.Pool is null || (Pool == other.Pool && (Domain is null || other.Domain is null || Domain == other.Domain));

    /// <summary>The two fields of a lease line: "*" for any.</summary>
    internal string PoolField => Pool ?? Any;
    internal string DomainField => Domain ?? Any;

    private const string Any = "*";

    /// <summary>The scope of a lease line's fields, read as lib/lease.sh reads them; null when the pool is not a name.</summary>
    internal static LeaseScope? FromFields(string pool, string domain)
    {
        if (pool == Any) return Host;
        if (!XenNames.IsValidName(pool)) return null;
        return domain == Any || !XenNames.IsValidName(domain) ? new(pool, null) : new(pool, domain);
    }

    private static string Checked(string name, string what) =>
        XenNames.IsValidName(name) ? name : throw new ArgumentException($"'{name}' is not a valid {what} name: {XenNames.NameRule}", what);

    public override string ToString() =>
        Pool is null ? "the host" : Domain is null ? $"the pool '{Pool}'" : $"the domain '{Domain}' of the pool '{Pool}'";
}
