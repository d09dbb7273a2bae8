using SmartDomains.Planning;
using SmartDomains.State;
using SmartDomains.Storage;
using Xunit;

namespace SmartDomains.Tests.Storage;

/// <summary>
/// The LVM flow against stand-in lvs/lvcreate/lvremove (a volume is a file NAME holding "SIZE|ORIGIN" under a VG dir) that
/// print LVM2's formats and messages. This machine has no device-mapper; end-to-end runs on the emulator's LVM come later.
/// </summary>
public class VolumeStorageTests : IDisposable
{
    private readonly LocalStorageHost _h = new();
    private static readonly CancellationToken None = CancellationToken.None;
    private string Lvm => Path.Combine(_h.Root, "lvm");

    public VolumeStorageTests()
    {
        Directory.CreateDirectory(Path.Combine(Lvm, "vg0"));
        var d = $"D='{Lvm}'";
        _h.AddProgram("lvs", d + "\nfor a; do vg=$a; done\n" +
            "if [ ! -d \"$D/$vg\" ]; then echo \"  Volume group \\\"$vg\\\" not found\" >&2; echo \"  Cannot process volume group $vg\" >&2; exit 5; fi\n" +
            "for f in \"$D/$vg\"/*; do [ -f \"$f\" ] || continue; n=${f##*/}; IFS='|' read s o < \"$f\"; echo \"  $n|$vg|$s|$o\"; done");
        _h.AddProgram("lvcreate", d + "\nsnap=; while [ $# -gt 1 ]; do case $1 in -s) snap=1;; -L) size=${2%b}; shift;; -n) name=$2; shift;; esac; shift; done\n" +
            "vg=${1%%/*}; origin=; [ -n \"$snap\" ] && origin=${1#*/}\n" +
            "if [ -e \"$D/$vg/$name\" ]; then echo \"  Logical Volume \\\"$name\\\" already exists in volume group \\\"$vg\\\"\" >&2; exit 5; fi\n" +
            "if [ \"$size\" -gt 10737418240 ]; then echo \"  Volume group \\\"$vg\\\" has insufficient free space (2559 extents): 10240 required.\" >&2; exit 5; fi\n" +
            "echo \"$size|$origin\" > \"$D/$vg/$name\"; echo \"  Logical volume \\\"$name\\\" created.\"");
        _h.AddProgram("lvremove", d + "\nfor a; do t=$a; done\nrm \"$D/$t\" && echo \"  Logical volume \\\"${t#*/}\\\" successfully removed.\"");
        File.WriteAllText(Path.Combine(Lvm, "vg0", "debian-base"), "4294967296|\n");
    }

    public void Dispose() => _h.Dispose();

    private StorageItem Lv(string name, long size, string? from = null, string vg = "vg0") => new()
    {
        Host = _h.Name, Domain = name, Kind = StorageKind.LogicalVolume, Path = $"/dev/{vg}/{name}-xvda", SizeBytes = size, VolumeGroup = vg, From = from,
    };

    [Fact]
    public async Task A_volume_is_made_journaled_reused_and_removed()
    {
        var item = Lv("web-1", 1L << 30);
        var s = _h.Storage();
        var r = await s.PrepareAsync(item, "lab", None);
        Assert.Equal("lvcreate", r.Method);
        Assert.Equal("1073741824|", File.ReadAllText(Path.Combine(Lvm, "vg0", "web-1-xvda")).Trim());
        Assert.Contains(_h.Log, l => l.Contains(" && lvcreate -L 1073741824b -n web-1-xvda vg0 && "));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Volume, item.Path));
        var again = await s.PrepareAsync(item, "lab", None);
        Assert.Equal("existing", again.Method);
        Assert.True(again.Reused);
        await s.RemoveAsync(ResourceKinds.Volume, item.Path, None);
        Assert.False(File.Exists(Path.Combine(Lvm, "vg0", "web-1-xvda")));
        Assert.Contains(_h.Log, l => l.Contains(" && lvremove -f vg0/web-1-xvda && "));
        Assert.Equal(new[] { "begin", "done", "undo", "undone" }, _h.JournalOps(ResourceKinds.Volume, item.Path));
    }

    [Fact]
    public async Task A_snapshot_of_a_base_volume_names_its_origin()
    {
        var r = await _h.Storage().PrepareAsync(Lv("web-2", 1L << 30, from: "debian-base"), "lab", None);
        Assert.Equal("lvm-snapshot", r.Method);
        Assert.Equal("/dev/vg0/debian-base", r.BasePath);
        Assert.Contains(_h.Log, l => l.Contains("lvcreate -s -L 1073741824b -n web-2-xvda vg0/debian-base"));
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(Lv("web-3", 1L << 30, from: "/dev/vg0/nope"), "lab", None));
        Assert.Equal("XenBaseImageNotFound", e.ErrorId);
        Assert.Contains("debian-base", e.Message);
    }

    [Fact]
    public async Task An_existing_volume_not_in_the_journal_is_refused_and_never_removed()
    {
        File.WriteAllText(Path.Combine(Lvm, "vg0", "db-1-xvda"), "1073741824|\n");
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(Lv("db-1", 1L << 30), "lab", None));
        Assert.Equal("XenStorageConflict", e.ErrorId);
        e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().RemoveAsync(ResourceKinds.Volume, "/dev/vg0/db-1-xvda", None));
        Assert.Equal("XenStorageNotJournaled", e.ErrorId);
        Assert.True(File.Exists(Path.Combine(Lvm, "vg0", "db-1-xvda")));
        Assert.DoesNotContain(_h.Log, l => l.Contains("lvremove"));
    }

    [Fact]
    public async Task A_full_volume_group_is_XenStorageNoSpace_with_the_journal_failed_undone()
    {
        var item = Lv("big", 20L << 30);
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(item, "lab", None));
        Assert.Equal("XenStorageNoSpace", e.ErrorId);
        Assert.Contains("insufficient free space", e.Message);
        Assert.Equal(new[] { "begin", "failed", "undone" }, _h.JournalOps(ResourceKinds.Volume, item.Path));
        Assert.DoesNotContain(_h.Log, l => l.Contains("lvremove"));   // nothing was made, so nothing removed
    }

    [Fact]
    public async Task A_missing_volume_group_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(Lv("a", 1L << 20, vg: "vg9"), "lab", None));
        Assert.Equal("XenStorageFailed", e.ErrorId);
        Assert.Contains("Volume group \"vg9\" not found", e.Message);
        Assert.Empty(_h.JournalEntries());
    }
}
