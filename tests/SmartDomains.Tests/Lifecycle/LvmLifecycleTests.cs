using Newtonsoft.Json;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Tests.Liveness;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Lifecycle;

/// <summary>LVM disks end to end on an emulated host: lvcreate, a snapshot of a base volume, xl create, then lvremove.</summary>
public sealed class LvmLifecycleTests : IDisposable
{
    private readonly LivenessHost _host = new(name: "lvmhost");
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-lvm-").FullName;

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_dir, true);
    }

    private async Task<string> Run(string program, params string[] args)
    {
        var r = await _host.Connection.RunAsync(RemoteCommand.Of(program, args), CancellationToken.None);
        Assert.True(r.Succeeded, r.StdErr);
        return r.StdOut;
    }

    private string[] Volumes(string lvs) => lvs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split('|')[0]).ToArray();

    [Fact]
    public async Task Volumes_and_snapshots_are_made_journaled_booted_and_removed()
    {
        // A base volume the operator made: SmartDomains snapshots it but never removes it.
        await Run("lvcreate", "-L", "64M", "-n", "debian-base", "vg0");
        var file = PoolFixture.Write(_dir, "pool.json", JsonConvert.SerializeObject(new
        {
            name = "lvm",
            domains = new object[]
            {
                new { name = "plain", extends = "debian", memory = 128, disks = new[] { new { size = "1G", backend = "lvm", volumeGroup = "vg0" } }, placement = new { host = "lvmhost" } },
                new { name = "snap", extends = "debian", memory = 128, disks = new[] { new { size = "256M", backend = "lvm", volumeGroup = "vg0", from = "debian-base" } }, placement = new { host = "lvmhost" } },
            },
        }));
        var h = _host.Connection.Host;
        var pool = PoolPlanner.Plan(PoolFixture.Loader().LoadFile(file), new[] { new HostCapacity("lvmhost", 16384, 15360, 8, h.ConfigDir, h.ImageDir) });
        var hosts = new Dictionary<string, Hosts.HostConnection>(StringComparer.OrdinalIgnoreCase) { ["lvmhost"] = _host.Connection };

        var results = (await new PoolStarter(pool, hosts, new PoolStartOptions()).RunAsync(CancellationToken.None)).ToDictionary(r => r.Domain);
        Assert.All(results.Values, r => Assert.Equal(DomainStartStatus.Started, r.Status));
        Assert.Equal("lvcreate", results["plain"].Storage.Single().Method);
        Assert.Equal("lvm-snapshot", results["snap"].Storage.Single().Method);
        var lvs = await Run("lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_name,vg_name,lv_size,origin", "--separator", "|", "vg0");
        Assert.Contains("snap-xvda|vg0|268435456|debian-base", lvs.Replace(" ", ""));
        Assert.Equal(new[] { "debian-base", "plain-xvda", "snap-xvda" }, Volumes(lvs).Order());

        var removed = await new DomainOperations(_host.Connection).RemoveAsync("snap", force: true, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(DomainActionStatus.Done, removed.Status);
        Assert.Contains("/dev/vg0/snap-xvda", removed.Removed);
        lvs = await Run("lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_name,vg_name,lv_size,origin", "--separator", "|", "vg0");
        Assert.Equal(new[] { "debian-base", "plain-xvda" }, Volumes(lvs).Order());
        var journal = await new HostJournal(_host.Connection).ReadStateAsync(CancellationToken.None);
        Assert.True(journal.Find(ResourceKinds.Volume, "/dev/vg0/snap-xvda")!.Removed);
        Assert.Null(journal.Find(ResourceKinds.Volume, "/dev/vg0/debian-base"));

        await new DomainOperations(_host.Connection).RemoveAsync("plain", force: true, TimeSpan.FromSeconds(10), CancellationToken.None);
        var log = File.ReadAllText(Path.Combine(_host.Root, "lvmhost", "var", "lib", "xen", "emulator", "commands.log"));
        Assert.Contains("lvremove -f vg0/snap-xvda", log);
        Assert.DoesNotContain("lvremove -f vg0/debian-base", log);
    }
}
