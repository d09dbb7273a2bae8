using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Storage;
using Xunit;

namespace SmartDomains.Tests.Storage;

public class StorageCommandTests : IDisposable
{
    private readonly LocalStorageHost _h = new();
    public void Dispose() => _h.Dispose();

    [Fact]
    public void Lvm_commands_are_LVM2s()
    {
        Assert.Equal("lvcreate -L 1073741824b -n web-1-xvda vg0", LogicalVolumes.Create("vg0", "web-1-xvda", 1L << 30).CommandLine);
        Assert.Equal("lvcreate -s -L 536870912b -n web-1-xvda vg0/debian-base", LogicalVolumes.Snapshot("vg0", "debian-base", "web-1-xvda", 1L << 29).CommandLine);
        Assert.Equal("lvremove -f vg0/web-1-xvda", LogicalVolumes.Remove("vg0", "web-1-xvda").CommandLine);
        Assert.Equal("lvs --noheadings --units b --nosuffix -o lv_name,vg_name,lv_size,origin --separator '|' vg0", LogicalVolumes.List("vg0").CommandLine);
    }

    [Fact]
    public void Lvs_output_is_parsed_with_origins()
    {
        var list = LogicalVolumes.ParseList("  base|vg0|4294967296|\n  web-1-xvda|vg0|1073741824|base\n\n");
        Assert.Equal(2, list.Count);
        Assert.Equal(new LogicalVolumeInfo("base", "vg0", 4294967296, null), list[0]);
        Assert.Equal(new LogicalVolumeInfo("web-1-xvda", "vg0", 1073741824, "base"), list[1]);
        Assert.Equal("/dev/vg0/web-1-xvda", list[1].Path);
    }

    [Theory]
    [InlineData("/dev/vg0/$(touch x)")]
    [InlineData("/dev/vg0/a;b")]
    [InlineData("/dev/vg0/-rf")]
    [InlineData("/dev/vg0/..")]
    [InlineData("/dev/vg 0/a")]
    [InlineData("/dev/vg0/a/b")]
    [InlineData("/dev/mapper/vg0-a")]
    [InlineData("vg0/a")]
    public void A_volume_target_that_is_not_a_plain_LVM_name_is_refused(string path)
    {
        var item = new StorageItem { Host = "h", Domain = "d", Kind = StorageKind.LogicalVolume, Path = path, SizeBytes = 1 << 20 };
        if (path == "/dev/mapper/vg0-a")
        {   // well formed /dev/A/B, but the volume group must then match
            item = new StorageItem { Host = "h", Domain = "d", Kind = StorageKind.LogicalVolume, Path = path, SizeBytes = 1 << 20, VolumeGroup = "vg0" };
        }
        var e = Assert.Throws<XenHostException>(() => _h.Storage().DescribePrepare(item, "p"));
        Assert.Equal(XenErrorIds.StorageInvalid, e.ErrorId);
    }

    [Fact]
    public void DescribePrepare_lists_the_exact_lvm_commands()
    {
        var item = new StorageItem { Host = "h", Domain = "web-1", Kind = StorageKind.LogicalVolume, Path = "/dev/vg0/web-1-xvda", SizeBytes = 1L << 30, VolumeGroup = "vg0", From = "vg0/base" };
        var lines = _h.Storage().DescribePrepare(item, "lab");
        Assert.Equal(LogicalVolumes.List("vg0").CommandLine, lines[0]);
        Assert.Contains(" && lvcreate -s -L 1073741824b -n web-1-xvda vg0/base && ", lines[1]);
        Assert.Contains("\"op\":\"begin\"", lines[1]);
    }

    [Theory]
    [InlineData("$(touch PWNED)")]
    [InlineData("`touch PWNED`")]
    [InlineData("a;touch PWNED;b")]
    [InlineData("it's 'quoted' \"x\"")]
    [InlineData("-rf")]
    [InlineData("sp ace&&touch PWNED")]
    [InlineData("$HOME|>PWNED")]
    public void Hostile_names_in_paths_reach_the_host_as_names_and_run_nothing(string hostile)
    {
        var dir = Path.Combine(_h.ImageDir, hostile);
        var path = Path.Combine(dir, hostile + "-xvda.img");
        var item = new StorageItem { Host = _h.Name, Domain = hostile, Kind = StorageKind.ImageFile, Path = path, SizeBytes = 1 << 20, Filesystem = "ext4" };
        var storage = _h.Storage();
        var described = storage.DescribePrepare(item, hostile);
        Assert.Contains(described, l => l.Contains("truncate -s 1048576 " + RemoteCommand.Quote(path)));
        Assert.Contains(described, l => l.Contains("mkfs.ext4 -F -q " + RemoteCommand.Quote(path)));

        var cwd = _h.Root;   // a PWNED file would land in some cwd: look in the root, the image dir, the process cwd
        var result = storage.PrepareAsync(item, hostile, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal("sparse-file", result.Method);
        Assert.True(File.Exists(path));
        Assert.Equal(1 << 20, new FileInfo(path).Length);
        Assert.False(File.Exists(Path.Combine(cwd, "PWNED")));
        Assert.False(File.Exists(Path.Combine(_h.ImageDir, "PWNED")));
        Assert.False(File.Exists("PWNED"));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Image, path));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Directory, dir));
        Assert.Equal(hostile, _h.JournalEntries().First(e => e.Resource == path).Domain);

        storage.RemoveAsync(ResourceKinds.Image, path, CancellationToken.None).GetAwaiter().GetResult();
        storage.RemoveAsync(ResourceKinds.Directory, dir, CancellationToken.None).GetAwaiter().GetResult();
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists("PWNED"));
    }

    [Theory]
    [InlineData("relative/x.img")]
    [InlineData("/var/lib/xen/images/../../../etc/passwd")]
    [InlineData("/var/lib/xen/images/p/./x.img")]
    [InlineData("/var/lib/xen/images/p/")]
    [InlineData("/x.img")]
    [InlineData("/var/lib/xen/images/a\nb.img")]
    public void Image_targets_must_be_plain_absolute_paths(string path)
    {
        var item = new StorageItem { Host = "h", Domain = "d", Kind = StorageKind.ImageFile, Path = path, SizeBytes = 1 << 20 };
        Assert.Equal(XenErrorIds.StorageInvalid, Assert.Throws<XenHostException>(() => _h.Storage().DescribePrepare(item, "p")).ErrorId);
    }

    [Fact]
    public void Capabilities_are_parsed_from_the_probe()
    {
        Assert.Equal(new HostCapabilities(true, false, true, false), HostCapabilities.Parse("qemu-img=yes\nmkfs.ext4=yes\nlvcreate=no\nreflink=no\n"));
        Assert.Equal(new HostCapabilities(false, true, false, true), HostCapabilities.Parse("qemu-img=no\nmkfs.ext4=no\nlvcreate=yes\nreflink=yes"));
    }
}
