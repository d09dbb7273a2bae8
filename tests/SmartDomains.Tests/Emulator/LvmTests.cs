using Xunit;
using R = SmartDomains.Tests.Emulator.EmulatorHost.Result;

namespace SmartDomains.Tests.Emulator;

/// <summary>The emulated LVM2 tools: lvcreate, lvs, lvremove and vgs, with LVM 2.03's output, messages and exit codes.</summary>
public class LvmTests
{

    private static string[] LvsScript(params string[] vg) =>
        new[] { "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_name,vg_name,lv_size,origin", "--separator", "|" }.Concat(vg).ToArray();

    [Fact]
    public void CreatePrintsLvmsLineAndRoundsToExtents()
    {
        using var h = new EmulatorHost();
        Assert.Equal(new R(0, "  Logical volume \"web-1-xvda\" created.\n", ""), h.Lvm("lvcreate", "-L", "10G", "-n", "web-1-xvda", "vg0"));
        Assert.Equal(new R(0, "  Rounding up size to full physical extent 952.00 MiB\n  Logical volume \"x\" created.\n", ""),
            h.Lvm("lvcreate", "-L", "950M", "-n", "x", "vg0"));
        // Bare numbers are MiB; -y, --yes, -q, -W/-Z values are accepted; -q silences the messages.
        Assert.Equal(new R(0, "", ""), h.Lvm("lvcreate", "-q", "-y", "--yes", "-Wy", "-Z", "y", "-L", "8", "--name=q", "vg0"));
        Assert.Equal("  web-1-xvda|vg0|10737418240|\n  x|vg0|998244352|\n  q|vg0|8388608|\n".Split('\n').OrderBy(s => s),
            h.Lvm("lvs", LvsScript()).Out.Split('\n').OrderBy(s => s));
    }

    [Fact]
    public void ScriptingOutputIsSortedAndUnpadded()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "2g", "-n", "b-disk", "vg0");
        h.Lvm("lvcreate", "-L", "512m", "-n", "a-swap", "vg0");
        h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "b-snap", "vg0/b-disk");
        Assert.Equal(new R(0, "  a-swap|vg0|536870912|\n  b-disk|vg0|2147483648|\n  b-snap|vg0|1073741824|b-disk\n", ""),
            h.Lvm("lvs", LvsScript("vg0")));
        Assert.Equal(new R(0, "  vg0|107374182400|103616086016\n", ""),
            h.Lvm("vgs", "--noheadings", "--units", "b", "--nosuffix", "-o", "vg_name,vg_size,vg_free", "--separator", "|"));
        Assert.Equal(new R(0, "  vg0|107374182400B|103616086016B\n", ""),
            h.Lvm("vgs", "--noheadings", "--units", "b", "-o", "vg_name,vg_size,vg_free", "--separator", "|", "vg0"));
    }

    [Fact]
    public void DefaultTablesMatchLvm()
    {
        using var h = new EmulatorHost(s => s["volume_groups"] = Newtonsoft.Json.Linq.JObject.Parse(
            "{\"vg0\": {\"size_gib\": 100}, \"data\": {\"size_gib\": 0.5}}"));
        h.Lvm("lvcreate", "-L", "10G", "-n", "web-1-xvda", "vg0");
        h.Lvm("lvcreate", "-L", "950M", "-n", "x2", "vg0");
        h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "snap", "vg0/web-1-xvda");
        h.Lvm("lvcreate", "-l", "100%FREE", "-n", "all", "data");
        Assert.Equal(new R(0,
            "  LV         VG   Attr       LSize   Pool Origin     Data%  Meta%  Move Log Cpy%Sync Convert\n" +
            "  all        data -wi-a----- 512.00m                                                        \n" +
            "  snap       vg0  swi-a-s---   1.00g      web-1-xvda   0.00                                 \n" +
            "  web-1-xvda vg0  owi-a-s---  10.00g                                                        \n" +
            "  x2         vg0  -wi-a----- 952.00m                                                        \n", ""),
            h.Lvm("lvs"));
        Assert.Equal(new R(0,
            "  VG   #PV #LV #SN Attr   VSize   VFree \n" +
            "  data   1   1   0 wz--n- 512.00m     0 \n" +
            "  vg0    1   3   1 wz--n- 100.00g 88.07g\n", ""),
            h.Lvm("vgs"));
        // No rows, no output (not even headings).
        h.Lvm("lvremove", "-f", "data");
        Assert.Equal(new R(0, "", ""), h.Lvm("lvs", "data"));
    }

    [Fact]
    public void DuplicateNameFails()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg0");
        Assert.Equal(new R(5, "", "  Logical Volume \"x\" already exists in volume group \"vg0\"\n"), h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg0"));
    }

    [Fact]
    public void MissingVolumeGroupFails()
    {
        using var h = new EmulatorHost();
        var missing = new R(5, "", "  Volume group \"vg9\" not found\n  Cannot process volume group vg9\n");
        Assert.Equal(missing, h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg9"));
        Assert.Equal(missing, h.Lvm("lvremove", "-f", "vg9/x"));
        Assert.Equal(missing, h.Lvm("lvs", "vg9"));
        Assert.Equal(missing, h.Lvm("vgs", "vg9"));
    }

    [Fact]
    public void InsufficientSpaceCountsExtents()
    {
        using var h = new EmulatorHost(s => s["volume_groups"] = Newtonsoft.Json.Linq.JObject.Parse("{\"small\": {\"size_gib\": 1}}"));
        Assert.Equal(0, h.Lvm("lvcreate", "-L", "900M", "-n", "a", "small").Code);
        Assert.Equal(new R(5, "", "  Volume group \"small\" has insufficient free space (31 extents): 32 required.\n"),
            h.Lvm("lvcreate", "-L", "128M", "-n", "b", "small"));
        // The settings replace the default group: vg0 is gone.
        Assert.Equal(5, h.Lvm("vgs", "vg0").Code);
    }

    [Fact]
    public void SnapshotNeedsAnExistingOrigin()
    {
        using var h = new EmulatorHost();
        Assert.Equal(new R(5, "", "  Snapshot origin LV base not found in Volume group vg0.\n"),
            h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "snap", "vg0/base"));
        h.Lvm("lvcreate", "-L", "4G", "-n", "base", "vg0");
        Assert.Equal(new R(0, "  Logical volume \"snap\" created.\n", ""), h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "snap", "/dev/vg0/base"));
        Assert.Equal(new R(5, "", "  Snapshots of snapshots are not supported.\n"), h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "s2", "vg0/snap"));
    }

    [Fact]
    public void RemoveAndRemoveMissing()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg0");
        h.Lvm("lvcreate", "-L", "1G", "-n", "y", "vg0");
        Assert.Equal(new R(0, "  Logical volume \"x\" successfully removed.\n", ""), h.Lvm("lvremove", "-f", "vg0/x"));
        Assert.Equal(new R(0, "  Logical volume \"y\" successfully removed.\n", ""), h.Lvm("lvremove", "-f", "/dev/vg0/y"));
        Assert.Equal(new R(5, "", "  Failed to find logical volume \"vg0/x\"\n"), h.Lvm("lvremove", "-f", "vg0/x"));
        Assert.Equal(new R(5, "", "  Failed to find logical volume \"vg0/x\"\n"), h.Lvm("lvs", "vg0/x"));
        Assert.Equal("  vg0|107374182400\n", h.Lvm("vgs", "--noheadings", "--units", "b", "--nosuffix", "-o", "vg_name,vg_free", "--separator", "|").Out);
    }

    [Fact]
    public void RemoveWithoutForceAsksOnStdin()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg0");
        Assert.Equal(new R(5, "  Do you really want to remove active logical volume vg0/x? [y/n]: \n", "  Logical volume vg0/x not removed.\n"),
            h.Lvm("lvremove", "vg0/x"));
        Assert.Equal(new R(0, "  Do you really want to remove active logical volume vg0/x? [y/n]:   Logical volume \"x\" successfully removed.\n", ""),
            h.LvmWithInput("lvremove", "y\n", "vg0/x"));
    }

    [Fact]
    public void RemovingAnOriginWithForceRemovesItsSnapshots()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "base", "vg0");
        h.Lvm("lvcreate", "-s", "-L", "1G", "-n", "snap", "vg0/base");
        Assert.Equal(new R(0, "  Logical volume \"snap\" successfully removed.\n  Logical volume \"base\" successfully removed.\n", ""),
            h.Lvm("lvremove", "-f", "vg0/base"));
    }

    [Fact]
    public void BadUsageExitsThree()
    {
        using var h = new EmulatorHost();
        Assert.Equal(new R(3, "", "  Size requires number argument.\n  Invalid argument for --size: abc\n  Error during parsing of command line.\n"),
            h.Lvm("lvcreate", "-L", "abc", "-n", "x", "vg0"));
        Assert.Equal(new R(3, "", "  Invalid argument for --size: 10X\n  Error during parsing of command line.\n"),
            h.Lvm("lvcreate", "-L", "10X", "-n", "x", "vg0"));
        Assert.Equal(new R(3, "", "lvcreate: unrecognized option '--bogus'\n  Error during parsing of command line.\n"),
            h.Lvm("lvcreate", "--bogus", "-L", "1G", "vg0"));
        Assert.Equal(new R(3, "", "lvremove: invalid option -- 'Z'\n  Error during parsing of command line.\n"), h.Lvm("lvremove", "-Z", "vg0/x"));
        Assert.Equal(new R(3, "", "  Logical volume name \"a/b\" is invalid.\n"), h.Lvm("lvcreate", "-L", "1G", "-n", "vg0/a/b", "vg0"));
        Assert.Equal(3, h.Lvm("lvcreate", "-n", "x", "vg0").Code);
        Assert.Equal(new R(5, "", "  Unrecognised field: foo\n"), h.Lvm("lvs", "-o", "foo"));
        Assert.Empty(h.Lvm("lvs").Out);
    }

    [Fact]
    public void XlCreateAcceptsAnLvTargetUntilItIsRemoved()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "web-1-xvda", "vg0");
        var cfg = h.Pv("web-1", extra: "disk = [ 'phy:/dev/vg0/web-1-xvda,xvda,w' ]\n");
        Assert.Equal(0, h.Xl("create", "-q", cfg).Code);
        // blkback holds it open: the attr shows it, and lvremove refuses even with -f.
        Assert.Equal("  -wi-ao----\n", h.Lvm("lvs", "--noheadings", "-o", "lv_attr", "vg0/web-1-xvda").Out);
        Assert.Equal(new R(5, "", "  Logical volume vg0/web-1-xvda in use.\n"), h.Lvm("lvremove", "-f", "vg0/web-1-xvda"));
        Assert.Equal(0, h.Xl("destroy", "web-1").Code);
        Assert.Equal(0, h.Lvm("lvremove", "-f", "vg0/web-1-xvda").Code);
        var r = h.Xl("create", "-q", cfg);
        Assert.Equal(3, r.Code);
        Assert.Contains("Disk vdev=xvda failed to stat: /dev/vg0/web-1-xvda: No such file or directory", r.Err);
        // The device-mapper spelling names the same volume.
        h.Lvm("lvcreate", "-L", "1G", "-n", "web-1-xvda", "vg0");
        Assert.Equal(0, h.Xl("create", "-q", h.Pv("web-2", extra: "disk = [ 'phy:/dev/mapper/vg0-web--1--xvda,xvda,w' ]\n")).Code);
    }

    [Fact]
    public void CommandsLogNamesTheTool()
    {
        using var h = new EmulatorHost();
        h.Lvm("lvcreate", "-L", "1G", "-n", "x", "vg0");
        h.Lvm("lvs", "--separator", "|", "vg0");
        h.Lvm("lvremove", "-f", "vg0/x");
        h.Lvm("vgs");
        h.Xl("list");
        var lines = h.LogLines().Select(l => l.Split('\t')[1]).ToArray();
        Assert.Equal(new[] { "lvcreate -L 1G -n x vg0", "lvs --separator '|' vg0", "lvremove -f vg0/x", "vgs", "xl list" }, lines);
        Assert.All(h.LogLines(), l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t", l));
    }

    [Theory]
    [InlineData(0L, 'r', true, "0 ")]
    [InlineData(0L, 'b', false, "0")]
    [InlineData(998244352L, 'r', true, "952.00m")]
    [InlineData(10737418240L, 'g', true, "10.00g")]
    [InlineData(10737418240L, 'G', true, "10.74G")]
    [InlineData(10737418240L, 'm', false, "10240.00")]
    [InlineData(94564777984L, 'r', true, "88.07g")]
    [InlineData(2142240768L, 'r', true, "<2.00g")]
    [InlineData(2142240768L, 'h', true, "2.00g")]
    [InlineData(4194304L, 's', true, "8192S")]
    public void SizesPrintAsLibdm(long bytes, char unit, bool suffix, string expected) =>
        Assert.Equal(expected, SmartDomains.Emulator.Lvm.LvmUnits.Format(bytes, unit, suffix));
}
