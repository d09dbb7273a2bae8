using SmartDomains.Planning;
using SmartDomains.Pools;
using Xunit;

namespace SmartDomains.Tests.Pools;

public sealed class PlacementTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-place-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static HostCapacity Host(string name, long free, long total = 65536) => new(name, total, free, 8, "/etc/xen", "/var/lib/xen/images");

    private PoolDefinition Pool(string domains, string policy = "spread") =>
        PoolFixture.Loader().LoadFile(PoolFixture.Write(_dir, "p.json", $$"""{ "name": "p", "placement": { "policy": "{{policy}}" }, "domains": [ {{domains}} ] }"""));

    [Fact]
    public void Spread_balances_free_memory_across_three_hosts_of_different_sizes()
    {
        var pool = Pool("""{ "name": "w", "extends": "debian", "memory": "1G", "count": 6 }""");
        var plan = PoolPlanner.Plan(pool, new[] { Host("a", 8192), Host("b", 4096), Host("c", 2048) });
        var perHost = plan.Domains.GroupBy(d => d.Host!).ToDictionary(g => g.Key, g => g.Count());
        // a takes domains until its free memory meets b's (a tie goes to the first name), then they alternate.
        Assert.Equal(5, perHost["a"]);
        Assert.Equal(1, perHost["b"]);
        Assert.False(perHost.ContainsKey("c"));
    }

    [Fact]
    public void Pack_fills_the_fullest_host_that_fits_first()
    {
        var pool = Pool("""{ "name": "w", "extends": "debian", "memory": "1G", "count": 2 }""", "pack");
        var plan = PoolPlanner.Plan(pool, new[] { Host("a", 8192), Host("b", 4096), Host("c", 2048) });
        Assert.All(plan.Domains, d => Assert.Equal("c", d.Host));
    }

    [Fact]
    public void A_pinned_domain_goes_to_its_host()
    {
        var pool = Pool("""{ "name": "web", "extends": "debian", "placement": { "host": "c" } }""");
        Assert.Equal("c", PoolPlanner.Plan(pool, new[] { Host("a", 8192), Host("b", 8192), Host("c", 2048) }).Domains[0].Host);
    }

    [Fact]
    public void Anti_affinity_puts_workers_on_different_hosts()
    {
        var pool = Pool("""{ "name": "g4", "extends": ["debian", "batch-worker"], "count": 3 }""");
        var plan = PoolPlanner.Plan(pool, new[] { Host("a", 65536), Host("b", 16384), Host("c", 16384) });
        Assert.Equal(3, plan.Domains.Select(d => d.Host).Distinct().Count());
    }

    [Fact]
    public void Anti_affinity_that_cannot_hold_says_so()
    {
        var pool = Pool("""{ "name": "g4", "extends": ["debian", "batch-worker"], "count": 3 }""");
        var ex = Assert.Throws<PlacementFailedException>(() => PoolPlanner.Plan(pool, new[] { Host("a", 65536), Host("b", 65536) }));
        var failure = Assert.Single(ex.Failures);
        Assert.Equal("anti-affinity", failure.Resource);
        Assert.Contains("needs one more host", ex.Message);
    }

    [Fact]
    public void A_domain_that_does_not_fit_names_the_resource_and_the_shortfall()
    {
        var pool = Pool("""{ "name": "big", "extends": "debian", "memory": "6G" }, { "name": "small", "extends": "debian", "memory": "1G" }""");
        var ex = Assert.Throws<PlacementFailedException>(() => PoolPlanner.Plan(pool, new[] { Host("a", 4096, 8192), Host("b", 5120, 8192) }));
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(("big", "memory", 6144L, 5120L, 1024L), (failure.Domain, failure.Resource, failure.Needed, failure.BestAvailable, failure.ShortBy));
        Assert.Contains("short by 1024 MiB", ex.Message);
    }

    [Fact]
    public void A_domain_larger_than_any_host_is_a_pool_file_error_with_its_position()
    {
        var pool = Pool("""{ "name": "huge", "extends": "debian", "memory": "1T" }""");
        var ex = Assert.Throws<PoolFileInvalidException>(() => PoolPlanner.Plan(pool, new[] { Host("a", 4096, 8192) }));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("more than any host has in total", error.Message);
    }

    [Fact]
    public void Disks_get_targets_under_the_hosts_image_dir_and_lvm_volumes()
    {
        var pool = Pool("""{ "name": "d", "extends": "debian", "disks+": [ { "size": "2G", "backend": "lvm", "volumeGroup": "vg0" } ] }""");
        var plan = PoolPlanner.Plan(pool, new[] { Host("a", 8192) });
        Assert.Equal(new[] { "/var/lib/xen/images/p/d-xvda.qcow2", "/dev/vg0/d-xvdb" }, plan.Storage.Select(s => s.Path));
        Assert.Equal(StorageKind.LogicalVolume, plan.Storage[1].Kind);
        Assert.Equal("/etc/xen/d.cfg", plan.ConfigPath(plan.Domains[0]));
    }

    [Fact]
    public void A_domain_stays_where_an_earlier_start_put_it_and_a_running_one_is_not_counted_twice()
    {
        var pool = Pool("""{ "name": "w", "extends": "debian", "memory": "4G", "count": 2 }""");
        // w-1 runs on c already (its 4 GiB are in c's free memory); w-2 was placed on b but is not running.
        var previous = new Dictionary<string, PreviousPlacement> { ["w-1"] = new("c", true), ["w-2"] = new("b", false) };
        var plan = PoolPlanner.Plan(pool, new[] { Host("a", 30000), Host("b", 8192), Host("c", 1024) }, previous);
        Assert.Equal("c", plan.Domains.Single(d => d.Name == "w-1").Host);
        Assert.Equal("b", plan.Domains.Single(d => d.Name == "w-2").Host);
    }
}
