using SmartDomains.Hosts;
using Xunit;

namespace SmartDomains.Tests.Core;

/// <summary>Every path derived from a host's directories comes from HostLayout, joined the same way whatever the trailing slash.</summary>
public sealed class HostLayoutTests
{
    [Theory]
    [InlineData("/etc/xen", "/var/lib/xen/images", "/var/lib/smartdomains")]
    [InlineData("/etc/xen/", "/var/lib/xen/images/", "/var/lib/smartdomains/")]
    public void Paths_are_joined_once_with_one_slash(string config, string images, string state)
    {
        var l = new HostLayout(new HostPaths(config, images, state));
        Assert.Equal("/etc/xen/web.cfg", l.ConfigFile("web"));
        Assert.Equal("/var/lib/xen/images/lab/web-xvda.qcow2", l.PoolDiskFile("lab", "web", "xvda", "qcow2"));
        Assert.Equal("/var/lib/smartdomains/journal.jsonl", l.Journal);
        Assert.Equal("/var/lib/smartdomains/journal.lock", l.JournalLock);
        Assert.Equal("/var/lib/smartdomains/clear.lease", l.ClearLease);
        Assert.Equal("/var/lib/smartdomains/images", l.BaseImageCache);
        Assert.Equal("/var/lib/smartdomains/tmp/save-web", l.SaveStaging("web"));
        Assert.Equal("/var/lib/smartdomains/tmp/restore-web-1a2b", l.RestoreStaging("web", "1a2b"));
    }

    [Fact]
    public void A_layout_for_planning_has_no_state_paths()
    {
        var l = new Planning.HostCapacity("a", 1, 1, 1, "/etc/xen", "/srv/img").Layout;
        Assert.Equal("/srv/img/p/d-xvdb.img", l.PoolDiskFile("p", "d", "xvdb", "img"));
        Assert.Throws<InvalidOperationException>(() => l.Journal);
    }
}
