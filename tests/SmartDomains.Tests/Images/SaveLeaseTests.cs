using SmartDomains.Images;
using SmartDomains.State;
using Xunit;

namespace SmartDomains.Tests.Images;

/// <summary>A save holds a lease on its domain: others see it in flight, and a removal of the pool in flight holds the save off.</summary>
public sealed class SaveLeaseTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_save_holds_its_domains_lease_while_it_runs_and_lets_go_after()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("web", ("web.img", 4L << 20, 1, 1));
        var during = new List<HostLeaseRecord?>();
        var options = new ImageSaveOptions
        {
            Checkpoint = true,
            Status = m => { if (m.Contains("archiving") && m.Contains(" members")) during.Add(LeaseTable.ReadAsync(h.Connection, None).GetAwaiter().GetResult().HeldElsewhere("pool1", "web")); },
        };
        await ImageSaver.SaveAsync(h.Connection, "web", ImageStore.Local(h.LocalRepo), options, null, None);

        var held = Assert.Single(during);
        Assert.Equal(LeaseScope.OfDomain("pool1", "web"), held!.Scope);
        Assert.EndsWith(" for Save-XenImage of web", held.Who);
        Assert.Empty((await LeaseTable.ReadAsync(h.Connection, None)).Live);
    }

    [Fact]
    public async Task A_save_waits_for_a_lease_on_its_pool_and_with_no_time_to_wait_fails_busy_leaving_the_domain_running()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("db", ("db.img", 4L << 20, 1, 2));
        var removal = HostLease.ForPool(h.Connection, "pool1", "Remove-XenPool of pool 'pool1'");
        await removal.AcquireAsync(TimeSpan.FromSeconds(60), None);

        var busy = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "db", ImageStore.Local(h.LocalRepo),
            new ImageSaveOptions { BusyTimeout = TimeSpan.Zero }, null, None));
        Assert.Equal(XenErrorIds.HostBusy, busy.ErrorId);
        Assert.Contains("for Remove-XenPool of pool 'pool1' until ", busy.Message);
        Assert.NotNull(await h.StateOfAsync("db"));      // refused before xl save: the domain still runs

        // A caller that holds the pool's lease itself passes its token: the save goes ahead under it.
        var image = await ImageSaver.SaveAsync(h.Connection, "db", ImageStore.Local(h.LocalRepo),
            new ImageSaveOptions { Checkpoint = true, LeaseToken = removal.Token }, null, None);
        Assert.True(image.Complete);
        Assert.Equal(removal.Token, (await LeaseTable.ReadAsync(h.Connection, None)).Live.Single().Token);
        await removal.ReleaseAsync(None);
    }
}
