using SmartDomains.XlConfig;
using Xunit;

namespace SmartDomains.Tests.XlConfig;

/// <summary>
/// XlDiskSpec against Xen's own xlu_disk_parse (libxlutil 4.17) on every corpus spec: the verdict, every report
/// line, and the fields libxlutil sets. libxlutil must be installed (Debian libxenmisc4.17); without it these fail.
/// </summary>
[Trait("Needs", "libxlutil")]
public class XlDiskSpecRefereeTests
{
    public static IEnumerable<object[]> Corpus() => XlDiskSpecCorpus.Specs.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Corpus))]
    public void AgreesWithLibxlutil(string spec)
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 is not installed: apt-get install libxenmisc4.17");
        var (rc, messages, theirs) = Libxlutil.ParseDisk(spec, "test.cfg");
        var ours = XlDiskSpec.Parse(spec, "test.cfg", out var report);

        Assert.Equal(messages, report);
        Assert.Equal(rc == 0, ours is not null);
        if (ours is null) return;
        Assert.Equal(theirs.PdevPath ?? "", ours.Target);
        Assert.Equal(theirs.Vdev, ours.Vdev);
        Assert.Equal(theirs.Format, ours.Format);
        Assert.Equal(theirs.Script, ours.Script);
        Assert.Equal(theirs.ReadWrite, ours.ReadWrite);
        Assert.Equal(theirs.IsCdrom, ours.IsCdrom);
        Assert.Equal(theirs.Removable, ours.IsCdrom);
        if (theirs.Backend is not null) Assert.Equal(theirs.Backend, ours.Backend);
    }
}
