using SmartDomains.State;
using Xunit;

namespace SmartDomains.Tests.State;

/// <summary>The scope rules (the same as lib/lease.sh's) and the lease table as read from a host.</summary>
public sealed class LeaseScopeTests
{
    private static readonly LeaseScope Host = LeaseScope.Host, Web = LeaseScope.OfPool("web"), Db = LeaseScope.OfPool("db"),
        Web1 = LeaseScope.OfDomain("web", "web-1"), Web2 = LeaseScope.OfDomain("web", "web-2");

    [Fact]
    public void The_whole_host_overlaps_everything_two_pools_do_not_and_a_pool_overlaps_its_domains()
    {
        foreach (var s in new[] { Host, Web, Db, Web1 }) { Assert.True(Host.Overlaps(s)); Assert.True(s.Overlaps(Host)); Assert.True(s.Overlaps(s)); }
        Assert.False(Web.Overlaps(Db));
        Assert.True(Web.Overlaps(Web1));
        Assert.True(Web1.Overlaps(Web));
        Assert.False(Web1.Overlaps(Web2));
        Assert.False(Web1.Overlaps(Db));
    }

    [Fact]
    public void A_lease_covers_the_entries_of_its_scope_and_an_entry_of_no_pool_is_the_whole_hosts()
    {
        Assert.True(Host.Covers(null, null));
        Assert.True(Host.Covers("web", "web-1"));
        Assert.False(Web.Covers(null, null));        // a shared base image
        Assert.True(Web.Covers("web", null));        // the pool's record, its directory
        Assert.True(Web.Covers("web", "web-2"));
        Assert.False(Web.Covers("db", "web-1"));
        Assert.True(Web1.Covers("web", "web-1"));
        Assert.False(Web1.Covers("web", null));
        Assert.False(Web1.Covers("web", "web-2"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("with space")]
    [InlineData("-rf")]
    [InlineData("")]
    public void A_scope_is_made_only_of_names(string bad)
    {
        Assert.Throws<ArgumentException>(() => LeaseScope.OfPool(bad));
        Assert.Throws<ArgumentException>(() => LeaseScope.OfDomain("web", bad));
    }

    [Fact]
    public void The_table_is_judged_by_the_hosts_clock_and_a_line_of_an_older_version_counts_as_the_whole_host()
    {
        var table = LeaseTable.Parse("now 1000\nme 1100 web * root@ctl (pid 1) for Remove-XenPool of pool 'web'\n" +
                                     "gone 999 db * someone\nold 1200 ctl/root/7\ntorn\n");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1000), table.HostNow);
        Assert.Equal(new[] { "me", "old" }, table.Live.Select(r => r.Token));
        Assert.Equal(LeaseScope.Host, table.Records.Single(r => r.Token == "old").Scope);
        Assert.Equal("root@ctl (pid 1) for Remove-XenPool of pool 'web'", table.HeldElsewhere("web")!.Who);
        Assert.Equal("old", table.HeldElsewhere("db")!.Token);
        Assert.Equal("held by root@ctl (pid 1) for Remove-XenPool of pool 'web' until 1970-01-01 00:18:20 UTC, 100 s from now",
            table.Records[0].Describe(table.HostNow));
        Assert.Empty(LeaseTable.Parse("").Live);
    }
}
