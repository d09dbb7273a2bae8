using Newtonsoft.Json;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.State;
using SmartDomains.Tests.Liveness;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Lifecycle;

/// <summary>The workflow engine end to end on two emulated hosts reached the way the module reaches them.</summary>
public sealed class PoolStarterTests : IDisposable
{
    private readonly LivenessHost _a = new(name: "wa");
    private readonly LivenessHost _b = new(name: "wb");
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-start-").FullName;

    public void Dispose()
    {
        foreach (var h in new[] { _a, _b })
        {
            try
            {
                var state = new HostJournal(h.Connection).ReadStateAsync(CancellationToken.None).GetAwaiter().GetResult();
                foreach (var d in state.Live.Where(r => r.Kind == ResourceKinds.Domain))
                    h.Connection.RunAsync(Remote.RemoteCommand.Xl("destroy", d.Resource), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (XenHostException) { }
            h.Dispose();
        }
        Directory.Delete(_dir, true);
    }

    private XenPool Plan(object definition)
    {
        var file = PoolFixture.Write(_dir, "pool.json", JsonConvert.SerializeObject(definition));
        var pool = PoolFixture.Loader().LoadFile(file);
        var hosts = new[] { _a, _b }.Select(h => new HostCapacity(h.Name, 16384, 15360, 8, h.Connection.Host.ConfigDir, h.Connection.Host.ImageDir)).ToArray();
        return PoolPlanner.Plan(pool, hosts);
    }

    private Dictionary<string, HostConnection> Hosts => new[] { _a, _b }.ToDictionary(h => h.Name, h => h.Connection, StringComparer.OrdinalIgnoreCase);

    private static object Domain(string name, string host, string? ip, params string[] dependsOn) => new
    {
        name,
        extends = "debian",
        memory = 128,
        disks = new[] { new { size = "16M" } },
        dependsOn,
        network = ip is null ? Array.Empty<object>() : new object[] { new { ip } },
        liveness = new { port = LivenessHost.GuestPort, timeout = "10s", interval = "100ms" },
        placement = new { host },
    };

    [Fact]
    public async Task A_later_domain_of_the_same_name_that_the_module_did_not_make_is_a_conflict_and_keeps_running()
    {
        var pool = Plan(new { name = "twin", domains = new[] { Domain("t1", "wa", null) } });
        var first = await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None);
        Assert.Equal(DomainStartStatus.Started, first.Single().Status);
        // The uuid in the config the module wrote is the one xl shows and the journal recorded.
        var journal = await new HostJournal(_a.Connection).ReadStateAsync(CancellationToken.None);
        var made = DomainIdentity.MadeUuid(journal.Find(ResourceKinds.Domain, "t1"));
        Assert.NotNull(made);
        Guid? Listed() => Xl.XlListParser.Parse(_a.Connection.RunXlAsync(CancellationToken.None, "list", "-v", "t1").GetAwaiter().GetResult().StdOut, "wa").Single().Uuid;
        Assert.Equal(made, Listed());

        // Someone destroys it by hand and boots a t1 of their own.
        await _a.XlAsync("destroy", "t1");
        await _a.CreateAsync("t1");
        var theirs = Listed();
        Assert.NotEqual(made, theirs);

        var again = (await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None)).Single();
        Assert.Equal(DomainStartStatus.Failed, again.Status);
        Assert.Equal("XenDomainConflict", again.Error!.ErrorId);
        Assert.Contains("not the one SmartDomains made", again.Reason);
        Assert.Equal(theirs, Listed());

        // A pool-wide stop (Stop-XenPool) leaves it alone too; only an operator's explicit stop by name acts on it.
        var stop = await new DomainOperations(_a.Connection).StopAsync("t1", force: true, TimeSpan.FromSeconds(10), CancellationToken.None, onlyOurs: true);
        Assert.Equal(DomainActionStatus.NothingToDo, stop.Status);
        Assert.Contains("not the one SmartDomains made", stop.Message);
        Assert.Equal(theirs, Listed());
    }

    [Fact]
    public async Task Starts_in_dependency_order_then_changes_nothing_on_a_rerun()
    {
        var pool = Plan(new
        {
            name = "order",
            domains = new[]
            {
                Domain("db", "wa", LivenessHost.NewAddress()),
                Domain("app", "wb", LivenessHost.NewAddress(), "db"),
                Domain("web", "wa", null, "app"),
            },
        });
        var results = await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None);
        Assert.All(results, r => Assert.Equal(DomainStartStatus.Started, r.Status));
        Assert.All(results.Where(r => r.Domain != "web"), r => Assert.True(r.Liveness!.Alive));
        var created = results.ToDictionary(r => r.Domain, r => r.AliveAt!.Value);
        Assert.True(created["db"] < created["app"] && created["app"] < created["web"]);
        Assert.Equal("sparse-file", results[0].Storage.Single().Method);
        // The domid is xl's own, read from the liveness check's xl list: no separate xl domid round trip.
        var listed = await _a.Connection.RunXlAsync(CancellationToken.None, "domid", "db");
        Assert.Equal(int.Parse(listed.StdOut.Trim()), results.Single(r => r.Domain == "db").DomId);
        Assert.All(results, r => Assert.True(r.DomId > 0));
        var log = File.ReadAllLines(Path.Combine(_b.Root, _b.Name, "var", "lib", "xen", "emulator", "commands.log"));
        Assert.Contains(log, l => l.Contains("create -q"));
        Assert.DoesNotContain(log, l => l.Contains("domid"));

        var again = await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None);
        Assert.All(again, r => Assert.Equal(DomainStartStatus.AlreadyRunning, r.Status));
    }

    [Fact]
    public async Task A_failed_domain_skips_its_dependents_and_the_others_start()
    {
        var pool = Plan(new
        {
            name = "partial",
            domains = new[]
            {
                // Too much memory for the emulated host: xl create fails with xl's own message.
                new { name = "huge", extends = "debian", memory = 15000, disks = Array.Empty<object>(), placement = new { host = "wb" } } as object,
                Domain("needs-huge", "wa", null, "huge"),
                Domain("free", "wa", null),
            },
        });
        // Fill wb first so the create fails.
        await _b.CreateAsync("ballast", extra: "memory = 2000\n");
        var results = (await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None)).ToDictionary(r => r.Domain);
        Assert.Equal(DomainStartStatus.Failed, results["huge"].Status);
        Assert.Contains("failed to free memory", results["huge"].Error!.Message);
        Assert.Equal("create", results["huge"].Step);
        Assert.Equal(DomainStartStatus.Skipped, results["needs-huge"].Status);
        Assert.Contains("depends on huge", results["needs-huge"].Reason);
        Assert.Equal(DomainStartStatus.Started, results["free"].Status);
        var journal = await new HostJournal(_b.Connection).ReadStateAsync(CancellationToken.None);
        Assert.True(journal.Find(ResourceKinds.Domain, "huge")!.Removed);
        Assert.True(journal.Find(ResourceKinds.Config, pool.ConfigPath(pool.Domains.First(d => d.Name == "huge")))!.Exists);
    }

    [Fact]
    public async Task A_domain_the_module_did_not_create_is_left_alone()
    {
        await _a.CreateAsync("theirs");
        var pool = Plan(new { name = "clash", domains = new[] { Domain("theirs", "wa", null) } });
        var result = (await new PoolStarter(pool, Hosts, new PoolStartOptions()).RunAsync(CancellationToken.None)).Single();
        Assert.Equal(DomainStartStatus.Failed, result.Status);
        Assert.Equal("XenDomainConflict", result.Error!.ErrorId);
        Assert.False(File.Exists(Path.Combine(_a.Connection.Host.ImageDir, "clash", "theirs-xvda.img")));
    }

    [Fact]
    public async Task FailFast_skips_what_has_not_started()
    {
        var pool = Plan(new
        {
            name = "fast",
            domains = new[]
            {
                new { name = "bad", extends = "debian", memory = 15000, disks = Array.Empty<object>(), placement = new { host = "wa" } } as object,
                // "slow" needs its guest to boot, so "bad" has failed long before "later" could begin.
                Domain("slow", "wb", LivenessHost.NewAddress()),
                Domain("later", "wb", null, "slow"),
            },
        });
        await _a.CreateAsync("ballast", extra: "memory = 2000\n");
        var results = await new PoolStarter(pool, Hosts, new PoolStartOptions { FailFast = true }).RunAsync(CancellationToken.None);
        Assert.Equal(DomainStartStatus.Failed, results.Single(r => r.Domain == "bad").Status);
        var later = results.Single(r => r.Domain == "later");
        Assert.Equal(DomainStartStatus.Skipped, later.Status);
        Assert.Contains("FailFast", later.Reason);
    }
}
