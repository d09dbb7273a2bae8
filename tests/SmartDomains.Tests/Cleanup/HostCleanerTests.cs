using System.Security.Cryptography;
using Newtonsoft.Json;
using SmartDomains.Cleanup;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Tests.Liveness;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Cleanup;

/// <summary>Clear and remove-pool end to end on two emulated hosts, started by the real workflow engine.</summary>
public sealed partial class HostCleanerTests : IDisposable
{
    private readonly LivenessHost _a = new(name: "ca");
    private readonly LivenessHost _b = new(name: "cb");
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-clean-").FullName;
    private readonly ImageRepository _repo;

    public HostCleanerTests()
    {
        var repo = Path.Combine(_dir, "repo");
        Directory.CreateDirectory(repo);
        var bytes = new byte[256 * 1024];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(repo, "debian-12.img"), bytes);
        _repo = new ImageRepository(repo);
    }

    public void Dispose()
    {
        foreach (var h in new[] { _a, _b })
        {
            try
            {
                var list = h.Connection.RunXlAsync(CancellationToken.None, "list").GetAwaiter().GetResult();
                foreach (var d in Xl.XlListParser.Parse(list.StdOut, h.Name).Where(d => d.Name != "Domain-0"))
                    h.Connection.RunAsync(RemoteCommand.Xl("destroy", d.Name!), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (XenHostException) { }
            h.Dispose();
        }
        Directory.Delete(_dir, true);
    }

    private Dictionary<string, HostConnection> Hosts => new[] { _a, _b }.ToDictionary(h => h.Name, h => h.Connection, StringComparer.OrdinalIgnoreCase);

    private XenPool Plan(string name, params (string Domain, string Host)[] domains)
    {
        var definition = new
        {
            name,
            domains = domains.Select(d => new
            {
                name = d.Domain, extends = "debian", memory = 64, placement = new { host = d.Host },
                disks = new object[] { new { size = "4M" }, new { from = "debian-12", format = "raw" } },
            }).ToArray(),
        };
        var file = PoolFixture.Write(_dir, name + ".json", JsonConvert.SerializeObject(definition));
        var pool = PoolFixture.Loader().LoadFile(file);
        var hosts = new[] { _a, _b }.Select(h => new HostCapacity(h.Name, 16384, 15360, 8, h.Connection.Host.ConfigDir, h.Connection.Host.ImageDir)).ToArray();
        return PoolPlanner.Plan(pool, hosts);
    }

    private async Task StartAsync(XenPool pool)
    {
        var results = await new PoolStarter(pool, Hosts, new PoolStartOptions { Images = _repo }).RunAsync(CancellationToken.None);
        Assert.All(results, r => Assert.NotEqual(DomainStartStatus.Failed, r.Status));
    }

    /// <summary>Every file and directory of the host (the emulator's own state left out), with its size and sha256, and xl's domains.</summary>
    private static async Task<string[]> SnapshotAsync(LivenessHost h)
    {
        var root = Path.Combine(h.Root, h.Name);
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, path);
            if (rel.StartsWith(Path.Combine("var", "lib", "xen", "emulator"), StringComparison.Ordinal)) continue;
            lines.Add(Directory.Exists(path) ? $"d {rel}" : $"f {rel} {new FileInfo(path).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}");
        }
        var list = await h.Connection.RunXlAsync(CancellationToken.None, "list");
        lines.AddRange(Xl.XlListParser.Parse(list.StdOut, h.Name).Select(d => "domain " + d.Name).Order(StringComparer.Ordinal));
        return lines.ToArray();
    }

    private static string[] CommandsLog(LivenessHost h)
    {
        var log = Path.Combine(h.Root, h.Name, "var", "lib", "xen", "emulator", "commands.log");
        return File.Exists(log) ? File.ReadAllLines(log) : Array.Empty<string>();
    }

    [Fact]
    public async Task Clear_brings_each_host_back_to_its_snapshot_and_never_touches_what_it_did_not_make()
    {
        // The operator's own things: a domain made with xl, a config and an image the module did not write.
        await _a.CreateAsync("theirs");
        File.WriteAllText(Path.Combine(_a.Connection.Host.ImageDir, "keep.img"), "mine");
        var before = new[] { await SnapshotAsync(_a), await SnapshotAsync(_b) };

        await StartAsync(Plan("p1", ("p1-a", "ca"), ("p1-b", "cb")));
        Assert.True(File.Exists(Path.Combine(_a.Connection.Host.StateDir, "journal.jsonl")));

        var reports = await Task.WhenAll(new[] { _a, _b }.Select(h => new HostCleaner(h.Connection).RunAsync(null, CancellationToken.None)));
        foreach (var r in reports)
        {
            Assert.Equal(CleanupOutcome.Clean, r.Status);
            Assert.True(r.JournalRemoved);
            Assert.Empty(r.Failed);
        }
        Assert.Equal(before[0], await SnapshotAsync(_a));
        Assert.Equal(before[1], await SnapshotAsync(_b));
        Assert.DoesNotContain(CommandsLog(_a), l => l.Contains("destroy theirs"));
        Assert.Contains(reports[0].Removed, i => i.Kind == ResourceKinds.BaseImage);

        // A second run finds nothing to do.
        var again = await new HostCleaner(_a.Connection).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.NothingToDo, again.Status);
    }

    [Fact]
    public async Task WhatIf_lists_every_resource_and_command_and_changes_nothing()
    {
        await StartAsync(Plan("dry", ("dry-1", "ca")));
        var before = await SnapshotAsync(_a);
        var log = CommandsLog(_a).Length;
        var report = await new HostCleaner(_a.Connection).PlanAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.WhatIf, report.Status);
        Assert.Contains(report.Items, i => i.Kind == ResourceKinds.Domain && i.Commands.Single() == "xl destroy dry-1");
        Assert.Contains(report.Items, i => i.Kind == ResourceKinds.BaseImage);
        Assert.Contains(report.Items, i => i.Kind == ResourceKinds.Config && i.Commands.Single().Contains("dry-1.cfg"));
        Assert.Contains("journal.jsonl", report.Commands.Last());
        Assert.Equal(before, await SnapshotAsync(_a));
        Assert.All(CommandsLog(_a).Skip(log), l => Assert.Contains("list", l));
    }

    [Fact]
    public async Task Remove_pool_keeps_the_other_pool_and_the_shared_base_image_until_the_last_pool_goes()
    {
        var before = await SnapshotAsync(_a);
        await StartAsync(Plan("one", ("one-1", "ca")));
        await StartAsync(Plan("two", ("two-1", "ca")));
        var cleaner = new HostCleaner(_a.Connection);

        var first = await cleaner.RunAsync("one", CancellationToken.None);
        Assert.Equal(CleanupOutcome.Clean, first.Status);
        Assert.False(first.JournalRemoved);
        var baseItem = first.Kept.Single(i => i.Kind == ResourceKinds.BaseImage);
        Assert.True(File.Exists(baseItem.Resource));
        var state = await new HostJournal(_a.Connection).ReadStateAsync(CancellationToken.None);
        Assert.True(state.Find(ResourceKinds.Domain, "two-1")!.Exists);
        Assert.True(state.Find(ResourceKinds.Pool, "one")!.Removed);
        var list = await _a.Connection.RunXlAsync(CancellationToken.None, "list");
        Assert.Contains("two-1", list.StdOut);
        Assert.DoesNotContain("one-1", list.StdOut);

        var second = await cleaner.RunAsync("two", CancellationToken.None);
        Assert.Equal(CleanupOutcome.Clean, second.Status);
        Assert.Contains(second.Removed, i => i.Kind == ResourceKinds.BaseImage);
        Assert.True(second.JournalRemoved);
        Assert.Equal(before, await SnapshotAsync(_a));
    }

    [Fact]
    public async Task A_run_cut_short_is_finished_by_the_next_one()
    {
        var before = await SnapshotAsync(_b);
        await StartAsync(Plan("cut", ("cut-1", "cb"), ("cut-2", "cb")));
        using var stop = new CancellationTokenSource();
        var done = 0;
        var cleaner = new HostCleaner(_b.Connection, new CleanupOptions { ItemDone = _ => { if (++done == 3) stop.Cancel(); } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cleaner.RunAsync(null, stop.Token));
        Assert.True(File.Exists(Path.Combine(_b.Connection.Host.StateDir, "journal.jsonl")));

        var again = await new HostCleaner(_b.Connection).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.Clean, again.Status);
        Assert.Equal(before, await SnapshotAsync(_b));
    }

    [Fact]
    public async Task A_half_made_config_over_a_file_the_module_did_not_write_is_left_alone()
    {
        var path = Path.Combine(_a.Connection.Host.ConfigDir, "mine.cfg");
        File.WriteAllText(path, "name = \"mine\"\n");
        var journal = new HostJournal(_a.Connection);
        // What a refused write leaves: begin, then failed.
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Config, Resource = path, Pool = "x", Domain = "mine" }, CancellationToken.None);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Failed, Kind = ResourceKinds.Config, Resource = path, Pool = "x", Domain = "mine" }, CancellationToken.None);
        var report = await new HostCleaner(_a.Connection).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.Clean, report.Status);
        Assert.Equal("name = \"mine\"\n", File.ReadAllText(path));
        Assert.Contains("not written by SmartDomains", report.Items.Single().Message);
    }

    [Fact]
    public async Task While_another_controller_cleans_nothing_can_be_made_and_a_second_cleaner_is_refused()
    {
        await StartAsync(Plan("busy", ("busy-1", "ca")));
        var other = new HostLease(_a.Connection, LeaseScope.Host, "a test", "other-controller");
        await other.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        var write = await Assert.ThrowsAsync<XenHostException>(() => new HostJournal(_a.Connection)
            .AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Image, Resource = "/x", Pool = "p" }, CancellationToken.None));
        Assert.Equal("XenHostBusy", write.ErrorId);
        var report = await new HostCleaner(_a.Connection, new CleanupOptions { BusyTimeout = TimeSpan.Zero }).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.Failed, report.Status);
        Assert.Equal("XenHostBusy", report.Error!.ErrorId);
        Assert.Empty(report.Removed);

        // An expired lease is taken over (the other controller's lease is rewritten to have ended a second ago).
        Assert.True((await _a.Connection.RunAsync(other.AcquireCommand(TimeSpan.FromSeconds(-1)), CancellationToken.None)).Succeeded);
        var after = await new HostCleaner(_a.Connection).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.Clean, after.Status);
        Assert.True(after.JournalRemoved);
    }

    [Fact]
    public async Task A_lease_is_renewed_only_when_what_is_left_of_it_is_shorter_than_asked()
    {
        var lease = new HostLease(_a.Connection, LeaseScope.Host, "a test", "renewing");
        var acquires = 0;
        _a.Connection.CommandCompleted = r => { if (r.CommandLine.Contains("lease-acquire.sh")) Interlocked.Increment(ref acquires); };
        try
        {
            await lease.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            await lease.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);     // 90 s held: no round trip
            await lease.AcquireAsync(TimeSpan.FromSeconds(80), CancellationToken.None);
            Assert.Equal(1, acquires);
            await lease.AcquireAsync(TimeSpan.FromSeconds(100), CancellationToken.None);    // more than is left: renewed
            Assert.Equal(2, acquires);
            lease.Forget();
            await lease.AcquireAsync(TimeSpan.FromSeconds(1), CancellationToken.None);      // not held any more: taken again
            Assert.Equal(3, acquires);
        }
        finally { _a.Connection.CommandCompleted = null; }
        // What the host holds lasts the half minute longer than asked.
        var until = long.Parse(File.ReadAllText(Path.Combine(_a.Connection.Host.StateDir, "clear.lease")).Split(' ')[1]);
        Assert.InRange(until - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 25, 32);
    }

    [Fact]
    public async Task A_failed_save_keeps_everything_of_that_domain()
    {
        await StartAsync(Plan("saved", ("saved-1", "ca"), ("saved-2", "ca")));
        var options = new CleanupOptions
        {
            Save = (h, d, ct) => d == "saved-1" ? throw new IOException("disk full") : Task.CompletedTask,
        };
        var report = await new HostCleaner(_a.Connection, options).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupOutcome.Partial, report.Status);
        Assert.Contains(report.Failed, i => i.Action == CleanupActions.Save && i.Resource == "saved-1");
        Assert.DoesNotContain(report.Removed, i => i.Domain == "saved-1");
        Assert.Contains(report.Removed, i => i.Kind == ResourceKinds.Domain && i.Resource == "saved-2");
        var list = await _a.Connection.RunXlAsync(CancellationToken.None, "list");
        Assert.Contains("saved-1", list.StdOut);
        Assert.False(report.JournalRemoved);
    }
}
