using Newtonsoft.Json.Linq;
using SmartDomains.Cleanup;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.State;
using Xunit;

namespace SmartDomains.Tests.Cleanup;

/// <summary>The planning logic alone: journals written by hand, no host.</summary>
public sealed class CleanupPlannerTests
{
    private readonly List<JournalEntry> _entries = new();

    private void Add(JournalOp op, string kind, string resource, string? pool = null, string? domain = null, JObject? data = null) =>
        _entries.Add(new JournalEntry { Op = op, Kind = kind, Resource = resource, Pool = pool, Domain = domain, Data = data });

    private void Made(string kind, string resource, string? pool = null, string? domain = null, JObject? data = null)
    {
        Add(JournalOp.Begin, kind, resource, pool, domain, data);
        Add(JournalOp.Done, kind, resource, pool, domain, data);
    }

    private void PoolRecordOf(string pool, params (string Domain, string? From)[] disks)
    {
        var record = new PoolRecord
        {
            Name = pool,
            Storage = disks.Select(d => new StorageItem { Host = "h", Domain = d.Domain, Kind = StorageKind.ImageFile, Path = $"/img/{pool}/{d.Domain}.img", From = d.From }).ToArray(),
        };
        _entries.Add(record.ToJournal(JournalOp.Done));
    }

    private const string Base = "/var/lib/smartdomains/images/abc.img";

    /// <summary>A pool as Start-XenPool journals it: record, directory, base image, clone image, config, domain.</summary>
    private void StartedPool(string pool, string domain, bool baseImageToo)
    {
        PoolRecordOf(pool, (domain, "debian-12"));
        Made(ResourceKinds.Directory, $"/img/{pool}", pool, domain);
        if (baseImageToo) Made(ResourceKinds.BaseImage, Base, data: new JObject { ["name"] = "debian-12", ["temp"] = Base + ".part-1" });
        Made(ResourceKinds.Image, $"/img/{pool}/{domain}.img", pool, domain, new JObject { ["base"] = Base });
        Made(ResourceKinds.Config, $"/etc/xen/{domain}.cfg", pool, domain);
        Made(ResourceKinds.Domain, domain, pool, domain);
    }

    private JournalState State => new(_entries);

    [Fact]
    public void Clears_in_dependency_order_newest_first()
    {
        StartedPool("a", "a1", baseImageToo: true);
        StartedPool("b", "b1", baseImageToo: false);
        var plan = CleanupPlanner.Plan(State, new[] { "a1", "b1", "theirs" }, pool: null);
        Assert.Equal(new[]
        {
            "domain:b1", "domain:a1", "config:/etc/xen/b1.cfg", "config:/etc/xen/a1.cfg", "image:/img/b/b1.img", "image:/img/a/a1.img",
            $"base-image:{Base}", "directory:/img/b", "directory:/img/a", "pool:b", "pool:a",
        }, plan.Select(i => i.Kind + ":" + i.Resource));
        Assert.All(plan, i => Assert.Equal(CleanupStatus.Planned, i.Status));
        Assert.DoesNotContain(plan, i => i.Resource == "theirs");
        Assert.Equal("xl destroy a1", plan.Single(i => i.Resource == "a1").Commands.Single());
        Assert.Contains(".part-1", plan.Single(i => i.Kind == ResourceKinds.BaseImage).Commands.Single());
    }

    [Fact]
    public void A_later_domain_of_the_same_name_with_another_uuid_is_left_alone_with_the_made_ones_config_and_storage()
    {
        var made = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        StartedPool("a", "a1", baseImageToo: false);
        _entries.RemoveAll(e => e.Kind == ResourceKinds.Domain);
        Made(ResourceKinds.Domain, "a1", "a", "a1", DomainIdentity.Data(made));
        StartedPool("b", "b1", baseImageToo: false);

        var plan = CleanupPlanner.Plan(State, new[] { "a1", "b1" }, pool: null,
            runningUuids: new Dictionary<string, Guid?> { ["a1"] = theirs, ["b1"] = Guid.NewGuid() });
        var domain = plan.Single(i => i.Resource == "a1");
        Assert.Equal(CleanupStatus.Kept, domain.Status);
        Assert.Empty(domain.Commands);
        Assert.Contains(theirs.ToString("D"), domain.Message);
        Assert.Contains(made.ToString("D"), domain.Message);
        Assert.All(plan.Where(i => i.Domain == "a1"), i => Assert.Equal(CleanupStatus.Kept, i.Status));
        Assert.Equal(CleanupStatus.Kept, plan.Single(i => i.Kind == ResourceKinds.Pool && i.Resource == "a").Status);
        // b1 was journaled without a uuid (an older version, or a restore): it is the module's by name, as before.
        Assert.Equal(CleanupStatus.Planned, plan.Single(i => i.Resource == "b1").Status);

        // The very domain the module made (same uuid) is destroyed as usual.
        var same = CleanupPlanner.Plan(State, new[] { "a1" }, pool: "a", runningUuids: new Dictionary<string, Guid?> { ["a1"] = made });
        Assert.Equal("xl destroy a1", same.Single(i => i.Resource == "a1").Commands.Single());
        Assert.All(same, i => Assert.Equal(CleanupStatus.Planned, i.Status));
    }

    [Fact]
    public void A_domain_that_is_not_running_is_only_forgotten_and_a_removed_one_is_not_planned()
    {
        StartedPool("a", "a1", baseImageToo: false);
        Made(ResourceKinds.Domain, "gone", "a", "gone");
        Add(JournalOp.Undo, ResourceKinds.Domain, "gone", "a", "gone");
        Add(JournalOp.Undone, ResourceKinds.Domain, "gone", "a", "gone");
        var plan = CleanupPlanner.Plan(State, Array.Empty<string>(), pool: null);
        var a1 = plan.Single(i => i.Resource == "a1");
        Assert.Equal(CleanupActions.Forget, a1.Action);
        Assert.Empty(a1.Commands);
        Assert.DoesNotContain(plan, i => i.Resource == "gone");
    }

    [Fact]
    public void Half_made_resources_are_planned_and_a_half_made_config_is_checked_first()
    {
        PoolRecordOf("p");
        Add(JournalOp.Begin, ResourceKinds.Config, "/etc/xen/x.cfg", "p", "x");
        Add(JournalOp.Begin, ResourceKinds.Image, "/img/p/x.img", "p", "x");
        Add(JournalOp.Begin, ResourceKinds.Domain, "x", "p", "x");
        Add(JournalOp.Failed, ResourceKinds.Domain, "x", "p", "x");
        var plan = CleanupPlanner.Plan(State, new[] { "x" }, pool: null);
        Assert.Equal(CleanupActions.Destroy, plan.Single(i => i.Kind == ResourceKinds.Domain).Action);
        var config = plan.Single(i => i.Kind == ResourceKinds.Config);
        Assert.Equal("begin", config.JournalState);
        Assert.Contains("Written by SmartDomains", config.Commands[0]);
        Assert.Contains(plan, i => i.Kind == ResourceKinds.Image);
    }

    [Fact]
    public void Removing_one_pool_keeps_a_base_image_another_live_pool_uses()
    {
        StartedPool("a", "a1", baseImageToo: true);
        StartedPool("b", "b1", baseImageToo: false);
        var plan = CleanupPlanner.Plan(State, new[] { "a1", "b1" }, pool: "a");
        Assert.All(plan.Where(i => i.Kind != ResourceKinds.BaseImage), i => Assert.Equal("a", i.Pool));
        Assert.DoesNotContain(plan, i => i.Resource is "b1" or "/etc/xen/b1.cfg" or "/img/b/b1.img" or "b");
        var baseItem = plan.Single(i => i.Kind == ResourceKinds.BaseImage);
        Assert.Equal(CleanupStatus.Kept, baseItem.Status);
        Assert.Contains("/img/b/b1.img", baseItem.Message);
        Assert.Equal(CleanupStatus.Planned, plan.Single(i => i.Kind == ResourceKinds.Pool).Status);
    }

    [Fact]
    public void A_base_image_a_live_pool_plans_to_clone_stays_even_before_that_pool_made_its_disk()
    {
        StartedPool("a", "a1", baseImageToo: true);
        PoolRecordOf("b", ("b1", "debian-12"));           // b is recorded but has not made its disk yet
        var plan = CleanupPlanner.Plan(State, Array.Empty<string>(), pool: "a");
        var baseItem = plan.Single(i => i.Kind == ResourceKinds.BaseImage);
        Assert.Equal(CleanupStatus.Kept, baseItem.Status);
        Assert.Contains("pool b", baseItem.Message);
    }

    [Fact]
    public void The_last_pool_using_a_base_image_takes_it_away()
    {
        StartedPool("a", "a1", baseImageToo: true);
        StartedPool("b", "b1", baseImageToo: false);
        foreach (var (kind, res) in new[] { (ResourceKinds.Domain, "b1"), (ResourceKinds.Config, "/etc/xen/b1.cfg"), (ResourceKinds.Image, "/img/b/b1.img"), (ResourceKinds.Directory, "/img/b"), (ResourceKinds.Pool, "b") })
        {
            Add(JournalOp.Undo, kind, res, "b", "b1");
            Add(JournalOp.Undone, kind, res, "b", "b1");
        }
        var plan = CleanupPlanner.Plan(State, new[] { "a1" }, pool: "a");
        Assert.Equal(CleanupStatus.Planned, plan.Single(i => i.Kind == ResourceKinds.BaseImage).Status);
    }

    [Fact]
    public void Nothing_of_a_domain_whose_save_failed_is_planned_and_its_pool_and_directory_stay()
    {
        StartedPool("a", "a1", baseImageToo: true);
        var plan = CleanupPlanner.Plan(State, new[] { "a1" }, pool: null, keepDomains: new[] { "a1" });
        Assert.All(plan, i => Assert.Equal(CleanupStatus.Kept, i.Status));
        Assert.Contains("a1.img", plan.Single(i => i.Kind == ResourceKinds.BaseImage).Message);
        Assert.Contains("/img/a/a1.img", plan.Single(i => i.Kind == ResourceKinds.Directory).Message);
    }

    [Fact]
    public void An_unknown_kind_is_left_alone_and_reported()
    {
        Made("mystery", "/var/lib/xen/mystery/x", "p", "x");
        var item = CleanupPlanner.Plan(State, Array.Empty<string>(), pool: null).Single();
        Assert.Equal(CleanupStatus.Kept, item.Status);
        Assert.Contains("not known", item.Message);
    }

    [Fact]
    public void A_saved_image_on_the_host_is_kept_and_a_staging_dir_goes()
    {
        Made("saved-image", "/srv/images/x-20260101", "p", "x");
        Made("temp", "/var/lib/smartdomains/tmp/save-x", "p", "x");
        var items = CleanupPlanner.Plan(State, Array.Empty<string>(), pool: null);
        var saved = items.Single(i => i.Kind == "saved-image");
        Assert.Equal(CleanupStatus.Kept, saved.Status);
        Assert.Contains("Remove-XenImage", saved.Message);
        var temp = items.Single(i => i.Kind == "temp");
        Assert.Equal("rm -rf -- /var/lib/smartdomains/tmp/save-x", temp.Commands.Single());
    }

    [Fact]
    public void Graceful_plans_a_shutdown_then_a_destroy()
    {
        StartedPool("a", "a1", baseImageToo: false);
        var item = CleanupPlanner.Plan(State, new[] { "a1" }, pool: null, graceful: true, shutdownTimeout: TimeSpan.FromSeconds(30)).First();
        Assert.Equal(CleanupActions.Shutdown, item.Action);
        Assert.Equal("timeout 30 xl shutdown -w a1", item.Commands[0]);
        Assert.StartsWith("xl destroy a1", item.Commands[1]);
    }
}
