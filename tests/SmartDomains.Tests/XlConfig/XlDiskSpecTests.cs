using SmartDomains.XlConfig;
using Xunit;

namespace SmartDomains.Tests.XlConfig;

/// <summary>The legacy disk specs that libxlutil accepts, and its refusals, with the values and lines read from
/// libxlu_disk_l.l and libxlu_disk.c (the referee tests check the same against the real library).</summary>
public class XlDiskSpecTests
{
    [Fact]
    public void An_empty_target_then_vdev_colon_cdrom_is_an_empty_read_only_cdrom()
    {
        var d = XlDiskSpec.Parse(",hdc:cdrom,r", "vm.cfg", out _)!;
        Assert.Equal(("", "empty", "hdc", false, true), (d.Target, d.Format, d.Vdev, d.ReadWrite, d.IsCdrom));
    }

    [Theory]
    [InlineData("nbd:192.168.0.1:8000,xvda,w", "block-nbd", "192.168.0.1:8000")]
    [InlineData("iscsi:iqn.2001-05.com.example:disk1,xvda,w", "block-iscsi", "iqn.2001-05.com.example:disk1")]
    [InlineData("drbd:r0,xvda,w", "block-drbd", "r0")]
    [InlineData("enbd:h:1,xvda,w", "block-enbd", "h:1")]
    public void A_script_prefix_names_the_block_script_and_keeps_the_rest_as_target(string spec, string script, string target)
    {
        var d = XlDiskSpec.Parse(spec, "vm.cfg", out _)!;
        Assert.Equal((script, target, "xvda", true), (d.Script, d.Target, d.Vdev, d.ReadWrite));
    }

    [Theory]
    [InlineData("tap:qcow2:/img/a.qcow2,xvda,w", "qcow2", "qdisk")]
    [InlineData("tap:aio:/img/a.img,xvda,w", "raw", "phy")]
    [InlineData("phy:/dev/vg/lv,xvda,w", "raw", "phy")]
    public void Access_prefixes_are_dropped_and_format_prefixes_set_the_format(string spec, string format, string backend)
    {
        var d = XlDiskSpec.Parse(spec, "vm.cfg", out _)!;
        Assert.Equal((format, backend, "xvda"), (d.Format, d.Backend, d.Vdev));
        Assert.StartsWith("/", d.Target);
    }

    [Theory]
    [InlineData("foo:/dev/x,xvda,w", "unknown deprecated disk prefix: near `foo:'")]
    [InlineData("/dev/vg/lv,xvda,w", "unknown value for format: near `xvda'")]
    [InlineData("/x,raw,xvda,rw,extra", "too many positional parameters: near `extra'")]
    [InlineData(",hdc:floppy,r", "unknown deprecated type: near `floppy'")]
    [InlineData("devtype=floppy,vdev=xvda,target=/x", "unknown value for type: near `devtype=floppy,'")]
    [InlineData("vdev=xvda", "no target specified (and device not removable)")]
    public void Refusals_carry_libxlutils_line(string spec, string message)
    {
        Assert.Null(XlDiskSpec.Parse(spec, "vm.cfg", out var report));
        Assert.Equal($"vm.cfg: config parsing error in disk specification: {message} in `{spec}'", Assert.Single(report));
    }

    [Fact]
    public void Errors_in_keywords_after_the_first_are_reported_too()
    {
        Assert.Null(XlDiskSpec.Parse("format=foo,access=bar,vdev=xvda,target=/x", "vm.cfg", out var report));
        Assert.Equal(2, report.Count);
        Assert.Contains("unknown value for access: near `bar'", report[1]);
    }
}
