using SmartDomains.Cleanup;
using SmartDomains.State;
using Xunit;

namespace SmartDomains.Tests.Cleanup;

/// <summary>Leases as narrow as the work: pools apart, the whole host against everything, a busy host waited for.</summary>
public sealed partial class HostCleanerTests
{
    [Fact]
    public async Task Two_pools_removed_at_once_on_the_same_hosts_both_succeed_and_leave_the_hosts_as_they_were()
    {
        var before = new[] { await SnapshotAsync(_a), await SnapshotAsync(_b) };
        await StartAsync(Plan("left", ("left-a", "ca"), ("left-b", "cb")));
        await StartAsync(Plan("right", ("right-a", "ca"), ("right-b", "cb")));

        var runs = from pool in new[] { "left", "right" }
                   from host in new[] { _a, _b }
                   select new HostCleaner(host.Connection).RunAsync(pool, CancellationToken.None);
        var reports = await Task.WhenAll(runs);

        Assert.All(reports, r => Assert.True(r.Status == CleanupOutcome.Clean, $"{r}: {r.Message}"));
        Assert.Equal(before[0], await SnapshotAsync(_a));
        Assert.Equal(before[1], await SnapshotAsync(_b));
    }

    [Fact]
    public async Task Another_pools_lease_lets_this_pool_and_shared_entries_be_journaled_but_not_the_leased_pools()
    {
        var other = HostLease.ForPool(_a.Connection, "theirs", "a test");
        await other.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var journal = new HostJournal(_a.Connection);
        await journal.AppendAsync(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, "/ours.img", "d", "ours"), CancellationToken.None);
        await journal.AppendAsync(JournalEntry.Of(JournalOp.Begin, ResourceKinds.BaseImage, "/base.img"), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<XenHostException>(() =>
            journal.AppendAsync(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, "/theirs.img", "d", "theirs"), CancellationToken.None));
        Assert.Equal(XenErrorIds.HostBusy, refused.ErrorId);
        Assert.Contains("for a test until ", refused.Message);
        await other.Journal.AppendAsync(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, "/theirs.img", "d", "theirs"), CancellationToken.None);

        // A lease on the whole host is refused while the pool's is live, and says who holds it, until when, in plain time.
        var host = new HostLease(_a.Connection, LeaseScope.Host, "another test") { BusyTimeout = TimeSpan.Zero };
        var busy = await Assert.ThrowsAsync<XenHostException>(() => host.AcquireAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
        var held = (await LeaseTable.ReadAsync(_a.Connection, CancellationToken.None)).Live.Single();
        Assert.Equal(XenErrorIds.HostBusy, busy.ErrorId);
        Assert.Matches(@"^the host on ca is held by \S+@\S+ \(pid \d+\) for a test until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, \d+ s from now\.$", busy.Message);
        Assert.DoesNotContain(held.Until.ToUnixTimeSeconds().ToString(), busy.Message);
        await other.ReleaseAsync(CancellationToken.None);
        await host.AcquireAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await host.ReleaseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_whole_host_clear_waits_for_a_pool_removal_in_flight_and_then_cleans_the_host()
    {
        await StartAsync(Plan("inflight", ("inflight-1", "ca")));
        var other = HostLease.ForPool(_a.Connection, "inflight", "Remove-XenPool of pool 'inflight'");
        await other.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var clear = new HostCleaner(_a.Connection, new CleanupOptions { Waiting = m => waiting.TrySetResult(m) }).RunAsync(null, CancellationToken.None);
        var told = await waiting.Task;
        Assert.Contains("for Remove-XenPool of pool 'inflight' until ", told);
        await other.ReleaseAsync(CancellationToken.None);
        var report = await clear;

        Assert.Equal(CleanupOutcome.Clean, report.Status);
        Assert.True(report.JournalRemoved);
    }

    [Fact]
    public async Task A_snapshot_tells_which_pools_and_domains_are_under_another_controllers_lease()
    {
        var save = HostLease.ForDomain(_a.Connection, "web", "web-1", "Save-XenImage of web-1");
        await save.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var snapshot = await HostSnapshot.ReadAsync(_a.Connection, CancellationToken.None);

        Assert.Equal("Save-XenImage of web-1", snapshot.HeldElsewhere("web", "web-1")!.Who.Split(" for ")[1]);
        Assert.NotNull(snapshot.HeldElsewhere("web"));
        Assert.Null(snapshot.HeldElsewhere("web", "web-2"));
        Assert.Null(snapshot.HeldElsewhere("db"));
        Assert.Null(snapshot.HeldElsewhere("web", "web-1", ownToken: save.Token));
        Assert.Null((await HostSnapshot.ReadAsync(_a.Connection, save.Journal, CancellationToken.None)).HeldElsewhere("web", "web-1"));
        await save.ReleaseAsync(CancellationToken.None);
        Assert.Null((await HostSnapshot.ReadAsync(_a.Connection, CancellationToken.None)).HeldElsewhere("web", "web-1"));
    }

    [Fact]
    public async Task A_lease_whose_release_never_reached_the_host_is_let_go_by_this_processs_next_lease_there()
    {
        var dead = HostLease.ForPool(_a.Connection, "orphan", "a run whose host went away");
        await dead.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        // The release cannot reach the table: the journal lock is not a file it can open (as when the host is gone).
        var lockPath = _a.Connection.Host.Layout.JournalLock;
        File.Delete(lockPath);
        Directory.CreateDirectory(lockPath);
        await dead.ReleaseAsync(CancellationToken.None);
        Directory.Delete(lockPath);
        Assert.Equal(dead.Token, (await LeaseTable.ReadAsync(_a.Connection, CancellationToken.None)).Live.Single().Token);

        var rerun = new HostLease(_a.Connection, LeaseScope.Host, "the rerun") { BusyTimeout = TimeSpan.Zero };
        await rerun.AcquireAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(rerun.Token, (await LeaseTable.ReadAsync(_a.Connection, CancellationToken.None)).Live.Single().Token);
        await rerun.ReleaseAsync(CancellationToken.None);
    }
}
