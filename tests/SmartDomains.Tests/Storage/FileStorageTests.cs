using SmartDomains.Planning;
using SmartDomains.State;
using SmartDomains.Storage;
using Xunit;
using Xunit.Abstractions;

namespace SmartDomains.Tests.Storage;

/// <summary>End to end on a host on this machine (local transport, real sh, real files, real sha256sum).</summary>
public class FileStorageTests : IDisposable
{
    private readonly LocalStorageHost _h = new();
    private readonly ITestOutputHelper _out;
    private static readonly CancellationToken None = CancellationToken.None;

    public FileStorageTests(ITestOutputHelper output) => _out = output;
    public void Dispose() => _h.Dispose();

    private StorageItem Item(string domain, long size, string format = "raw", string? from = null, string? fs = null, string pool = "lab") => new()
    {
        Host = _h.Name, Domain = domain, Kind = StorageKind.ImageFile, SizeBytes = size, Format = format, From = from, Filesystem = fs,
        Path = Path.Combine(_h.ImageDir, pool, $"{domain}-xvda.{(format == "qcow2" ? "qcow2" : "img")}"),
    };

    [Fact]
    public async Task A_sparse_image_is_really_sparse_and_journaled_before_and_after()
    {
        var item = Item("web-1", 8L << 30);
        var r = await _h.Storage().PrepareAsync(item, "lab", None);
        Assert.Equal("sparse-file", r.Method);
        Assert.False(r.Reused);
        Assert.Equal("raw", r.Format);
        Assert.False(r.FormatChanged);
        Assert.Equal(8L << 30, new FileInfo(item.Path).Length);
        Assert.True(LocalStorageHost.AllocatedBytes(item.Path) < 1 << 20, "an 8 GiB sparse image allocates (almost) nothing");
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Image, item.Path));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Directory, Path.GetDirectoryName(item.Path)!));
        var entries = _h.JournalEntries();
        Assert.True(entries.ToList().FindIndex(e => e.Kind == ResourceKinds.Directory) < entries.ToList().FindIndex(e => e.Kind == ResourceKinds.Image));
        Assert.All(entries.Where(e => e.Kind == ResourceKinds.Image), e => Assert.Equal("lab", e.Pool));
        // The journal's begin and the truncate go in one round trip, the begin first.
        var make = _h.Log.Single(l => l.Contains("truncate -s"));
        Assert.True(make.IndexOf("\"op\":\"begin\"", StringComparison.Ordinal) < make.IndexOf("truncate -s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preparing_again_reuses_what_the_journal_says_is_made_and_changes_nothing()
    {
        var item = Item("web-1", 64L << 20, fs: "ext4");
        var first = await _h.Storage().PrepareAsync(item, "lab", None);
        var journal = File.ReadAllText(Path.Combine(_h.StateDir, "journal.jsonl"));
        var mtime = File.GetLastWriteTimeUtc(item.Path);
        _h.Reconnect();
        var again = await _h.Storage().PrepareAsync(item, "lab", None);
        Assert.Equal("existing", again.Method);
        Assert.True(again.Reused);
        Assert.Equal(journal, File.ReadAllText(Path.Combine(_h.StateDir, "journal.jsonl")));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(item.Path));
        Assert.Equal("sparse-file", first.Method);
        // mkfs.ext4 really made a filesystem
        Assert.Contains("ext4", LocalStorageHost.Sh("file -b \"$1\" 2>/dev/null || blkid -o value -s TYPE \"$1\"", item.Path).Out);
    }

    [Fact]
    public async Task A_file_the_journal_does_not_list_is_refused_and_left_alone()
    {
        var item = Item("db-1", 1L << 20);
        Directory.CreateDirectory(Path.GetDirectoryName(item.Path)!);
        File.WriteAllText(item.Path, "precious");
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(item, "lab", None));
        Assert.Equal("XenStorageConflict", e.ErrorId);
        Assert.Equal(XenErrorCategory.ResourceExists, e.Category);
        Assert.Contains(item.Path, e.Message);
        Assert.Equal("precious", File.ReadAllText(item.Path));
        Assert.Empty(_h.JournalOps(ResourceKinds.Image, item.Path));
        // and removing it is refused too: the journal does not list it
        var r = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().RemoveAsync(ResourceKinds.Image, item.Path, None));
        Assert.Equal("XenStorageNotJournaled", r.ErrorId);
        Assert.Equal("precious", File.ReadAllText(item.Path));
    }

    [Fact]
    public async Task A_half_made_image_from_a_dead_run_is_cleaned_and_made_again()
    {
        var item = Item("web-2", 2L << 20);
        Directory.CreateDirectory(Path.GetDirectoryName(item.Path)!);
        await _h.Journal.AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Image, Resource = item.Path, Pool = "lab" }, None);
        File.WriteAllText(item.Path, "partial");
        var r = await _h.Storage().PrepareAsync(item, "lab", None);
        Assert.Equal("sparse-file", r.Method);
        Assert.Equal(2L << 20, new FileInfo(item.Path).Length);
        Assert.Equal(new[] { "begin", "undo", "undone", "begin", "done" }, _h.JournalOps(ResourceKinds.Image, item.Path));
    }

    [Fact]
    public async Task A_removed_image_is_gone_and_journaled_undo_undone()
    {
        var item = Item("web-3", 1L << 20);
        var s = _h.Storage();
        await s.PrepareAsync(item, "lab", None);
        await s.RemoveAsync(ResourceKinds.Image, item.Path, None);
        Assert.False(File.Exists(item.Path));
        Assert.Equal(new[] { "begin", "done", "undo", "undone" }, _h.JournalOps(ResourceKinds.Image, item.Path));
        await s.RemoveAsync(ResourceKinds.Image, item.Path, None);          // removing again changes nothing
        Assert.Equal(4, _h.JournalOps(ResourceKinds.Image, item.Path).Length);
        // made again after removal: a new begin/done
        await s.PrepareAsync(item, "lab", None);
        Assert.Equal(new[] { "begin", "done", "undo", "undone", "begin", "done" }, _h.JournalOps(ResourceKinds.Image, item.Path));
    }

    [Fact]
    public async Task A_base_image_is_uploaded_once_verified_and_cloned_with_the_best_method_this_machine_has()
    {
        var basePath = _h.AddBaseImage("debian12.img", 3 << 20, 32L << 20);
        var baseImage = _h.Repository.Resolve("debian12");
        var a = Item("web-1", 64L << 20, from: "debian12");
        var b = Item("web-2", 16L << 20, from: "debian12");
        var ra = await _h.Storage().PrepareAsync(a, "lab", None);
        _h.Reconnect();                                                          // a later run, a new connection
        var rb = await _h.Storage().PrepareAsync(b, "lab", None);
        _out.WriteLine($"clone method on this machine: {ra.Method} ({HostCapabilities.Known(_h.Connection)})");

        Assert.Single(_h.Uploads());
        var cache = Path.Combine(_h.StateDir, "images", baseImage.Sha256 + ".img");
        Assert.Equal(cache, ra.BasePath);
        Assert.Equal(File.ReadAllBytes(basePath), File.ReadAllBytes(cache));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.BaseImage, cache));
        Assert.Empty(Directory.GetFiles(Path.Combine(_h.StateDir, "images"), "*.part-*"));
        Assert.Equal(baseImage.Sha256, ra.BaseImageSha256);
        Assert.Contains(_h.Log, l => l.Contains("verify-ranges.sh"));   // the host checked the upload by its data ranges

        Assert.Contains(ra.Method, new[] { "reflink-copy", "sparse-copy" });   // raw asked for: a raw copy
        Assert.Equal(ra.Method, rb.Method);
        Assert.Equal("raw", ra.Format);
        // grown to the size asked for, contents of the base first; a smaller size keeps the base's size
        Assert.Equal(64L << 20, new FileInfo(a.Path).Length);
        Assert.Equal(32L << 20, new FileInfo(b.Path).Length);
        Assert.Equal(File.ReadAllBytes(basePath), File.ReadAllBytes(a.Path).AsSpan(0, 32 << 20).ToArray());
        Assert.True(LocalStorageHost.AllocatedBytes(a.Path) < 8L << 20, "the copy keeps the base's holes");

        // a third prepare of the same disk is reused, and nothing is uploaded
        var again = await _h.Storage().PrepareAsync(a, "lab", None);
        Assert.True(again.Reused);
        Assert.Equal(baseImage.Sha256, again.BaseImageSha256);
        Assert.Single(_h.Uploads());
    }

    [Fact]
    public async Task Parallel_clones_of_one_base_upload_it_once()
    {
        _h.AddBaseImage("base.img", 1 << 20, 4L << 20);
        var items = Enumerable.Range(1, 6).Select(i => Item($"vm-{i}", 8L << 20, from: "base")).ToArray();
        var s = _h.Storage();
        var results = await Task.WhenAll(items.Select(i => s.PrepareAsync(i, "lab", None)));
        Assert.Single(_h.Uploads());
        Assert.All(results, r => Assert.False(r.Reused));
        Assert.All(items, i => Assert.Equal(8L << 20, new FileInfo(i.Path).Length));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Directory, Path.Combine(_h.ImageDir, "lab")));
    }

    [Fact]
    public async Task A_qcow2_clone_without_qemu_img_is_a_raw_copy_and_says_so()
    {
        _h.AddBaseImage("base.img", 1 << 16, 1L << 20);
        var caps = await HostCapabilities.GetAsync(_h.Connection, None);
        if (caps.QemuImg) return;                // this machine has qemu-img: covered by the stand-in test below
        var item = Item("web-1", 2L << 20, format: "qcow2", from: "base");
        var r = await _h.Storage().PrepareAsync(item, "lab", None);
        Assert.Equal("raw", r.Format);
        Assert.True(r.FormatChanged);
        Assert.NotEqual("qcow2-backing-file", r.Method);
        Assert.Contains(r.Notes, n => n.Contains("format=raw"));
        Assert.Equal("raw", (string?)_h.JournalEntries().Last(e => e.Resource == item.Path).Data?["format"]);
        var again = await _h.Storage().PrepareAsync(item, "lab", None);
        Assert.Equal("raw", again.Format);                                       // the reuse knows the format too
        Assert.True(again.FormatChanged);
    }

    [Fact]
    public async Task With_qemu_img_a_qcow2_clone_uses_a_backing_file_and_keeps_its_base_in_use()
    {
        // qemu-img is not on this machine: a stand-in records its arguments and writes a file.
        _h.AddProgram("qemu-img", "printf '%s\\n' \"$@\" > \"$0.args\"; for a; do t=$p; p=$a; done; printf 'QFI\\373' > \"$t\"");
        _h.AddBaseImage("base.img", 1 << 16, 1L << 20);
        var baseImage = _h.Repository.Resolve("base");
        var item = Item("web-1", 4L << 30, format: "qcow2", from: "base");
        var s = _h.Storage();
        var r = await s.PrepareAsync(item, "lab", None);
        Assert.Equal("qcow2-backing-file", r.Method);
        Assert.Equal("qcow2", r.Format);
        Assert.False(r.FormatChanged);
        var cache = s.CachePath(baseImage);
        Assert.Equal(new[] { "create", "-q", "-f", "qcow2", "-F", "raw", "-b", cache, item.Path, (4L << 30).ToString() },
            File.ReadAllLines(Path.Combine(_h.BinDir, "qemu-img.args")));
        Assert.True(File.Exists(item.Path));
        var e = await Assert.ThrowsAsync<XenHostException>(() => s.RemoveAsync(ResourceKinds.BaseImage, cache, None));
        Assert.Equal("XenStorageInUse", e.ErrorId);
        Assert.True(File.Exists(cache));
        await s.RemoveAsync(ResourceKinds.Image, item.Path, None);
        await s.RemoveAsync(ResourceKinds.BaseImage, cache, None);
        Assert.False(File.Exists(cache));
        Assert.Equal(new[] { "begin", "done", "undo", "undone" }, _h.JournalOps(ResourceKinds.BaseImage, cache));
    }

    [Fact]
    public async Task A_disk_full_copy_leaves_no_partial_image_and_a_consistent_journal()
    {
        // A cp that writes part of the image and fails as GNU cp does on ENOSPC (the Pester suite fills a real tmpfs).
        _h.AddProgram("cp", "for a; do t=$a; done; printf partial > \"$t\"; echo \"cp: error writing '$t': No space left on device\" >&2; exit 1");
        _h.AddBaseImage("base.img", 1 << 16, 1L << 20);
        var item = Item("web-1", 2L << 20, from: "base");
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(item, "lab", None));
        _out.WriteLine(e.Message);
        Assert.Equal("XenStorageNoSpace", e.ErrorId);
        Assert.Contains(_h.Name, e.Message);
        Assert.Contains(item.Path, e.Message);
        Assert.Contains("free of", e.Message);
        Assert.False(File.Exists(item.Path));
        Assert.Equal(new[] { "begin", "failed", "undone" }, _h.JournalOps(ResourceKinds.Image, item.Path));
        // the base image stays cached and journaled; the directory made for the pool stays journaled
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Directory, Path.GetDirectoryName(item.Path)!));
    }

    [Fact]
    public async Task A_base_image_whose_copy_does_not_match_its_sha256_is_removed()
    {
        var path = _h.AddBaseImage("base.img", 1 << 16, 1L << 20);
        var wrong = new BaseImage("base", path, new string('0', 64), 1L << 20);
        var s = _h.Storage();
        var e = await Assert.ThrowsAsync<XenHostException>(() => s.EnsureBaseImageAsync(wrong, None));
        Assert.Equal("XenBaseImageCorrupt", e.ErrorId);
        var cache = s.CachePath(wrong);
        Assert.Equal(new[] { "begin", "failed", "undone" }, _h.JournalOps(ResourceKinds.BaseImage, cache));
        Assert.Empty(Directory.GetFiles(Path.Combine(_h.StateDir, "images")));
    }

    [Fact]
    public async Task A_base_image_checked_by_its_data_ranges_is_refused_when_they_differ_and_cached_when_they_match()
    {
        _h.AddBaseImage("ranged.img", 3 << 16, 8L << 20);
        var good = _h.Repository.Resolve("ranged");
        Assert.NotEmpty(good.Ranges);
        var s = _h.Storage();
        // The ranges' SHA256 of other bytes: the upload is refused, removed, and journaled as undone.
        var wrong = good with { RangesSha256 = new string('0', 64) };
        var e = await Assert.ThrowsAsync<XenHostException>(() => s.EnsureBaseImageAsync(wrong, None));
        Assert.Equal("XenBaseImageCorrupt", e.ErrorId);
        Assert.Contains("data ranges", e.Message);
        var cache = s.CachePath(good);
        Assert.Equal(new[] { "begin", "failed", "undone" }, _h.JournalOps(ResourceKinds.BaseImage, cache));
        Assert.Empty(Directory.GetFiles(Path.Combine(_h.StateDir, "images")));

        var cached = await s.EnsureBaseImageAsync(good, None);
        Assert.Equal(File.ReadAllBytes(good.LocalPath), File.ReadAllBytes(cached));
        Assert.Equal(new[] { "begin", "failed", "undone", "begin", "done" }, _h.JournalOps(ResourceKinds.BaseImage, cache));
    }

    [Fact]
    public async Task A_clone_needs_a_repository_and_a_known_base()
    {
        var e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage(withRepository: false).PrepareAsync(Item("a", 1 << 20, from: "x"), "lab", None));
        Assert.Equal("XenBaseImageNotFound", e.ErrorId);
        e = await Assert.ThrowsAsync<XenHostException>(() => _h.Storage().PrepareAsync(Item("a", 1 << 20, from: "nope"), "lab", None));
        Assert.Equal("XenBaseImageNotFound", e.ErrorId);
        Assert.Empty(_h.JournalOps(ResourceKinds.Image, Item("a", 1).Path));
    }

    [Fact]
    public async Task A_directory_is_removed_only_when_journaled_and_empty()
    {
        var item = Item("web-1", 1 << 20);
        var s = _h.Storage();
        await s.PrepareAsync(item, "lab", None);
        var dir = Path.GetDirectoryName(item.Path)!;
        var e = await Assert.ThrowsAsync<XenHostException>(() => s.RemoveAsync(ResourceKinds.Directory, dir, None));
        Assert.Equal("XenStorageFailed", e.ErrorId);
        Assert.Contains("not empty", e.Message);
        Assert.True(File.Exists(item.Path));
        Assert.Equal(new[] { "begin", "done" }, _h.JournalOps(ResourceKinds.Directory, dir));   // refused before any undo
        await s.RemoveAsync(ResourceKinds.Image, item.Path, None);
        await s.RemoveAsync(ResourceKinds.Directory, dir, None);
        Assert.Equal(new[] { "begin", "done", "undo", "undone" }, _h.JournalOps(ResourceKinds.Directory, dir));
        Assert.False(Directory.Exists(dir));
    }
}
