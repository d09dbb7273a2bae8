using SmartDomains.Images;
using SmartDomains.State;
using Xunit;

namespace SmartDomains.Tests.Images;

public sealed class ImageSaveRestoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Save_then_restore_brings_the_domain_back_with_its_config_and_disk_content()
    {
        using var h = new ImageHost();
        var (cfg, disks) = await h.CreateDomainAsync("web", ("web-xvda.img", 64L << 20, 4, 1), ("web-xvdb.img", 32L << 20, 1, 2));
        var shas = disks.Select(ImageHost.Sha).ToArray();
        var configText = await File.ReadAllTextAsync(cfg);
        var store = ImageStore.Local(h.LocalRepo);
        long lastBytes = 0;
        var image = await ImageSaver.SaveAsync(h.Connection, "web", store, false, new Progress<long>(b => lastBytes = b), None);

        Assert.True(image.Complete);
        Assert.Equal("zstd", image.Compression);
        Assert.Equal("pool1", image.Pool);
        Assert.Equal(configText, image.Config);
        Assert.Equal(3, image.Members.Count);
        // Format 2: no member is hashed on its own (that reads every hole); the tar stream's SHA256 stands for them all.
        Assert.Equal(XenImage.CurrentFormatVersion, image.FormatVersion);
        Assert.All(image.Members, m => Assert.Null(m.Sha256));
        Assert.Equal(ImageHost.StreamSha(Path.Combine(h.LocalRepo, image.Name, image.ArchiveFile)), image.StreamSha256);
        Assert.Equal(disks, image.Disks.Select(d => d.OriginalPath));
        Assert.True(File.Exists(Path.Combine(h.LocalRepo, image.Name, image.ArchiveFile)));
        Assert.True(File.Exists(Path.Combine(h.LocalRepo, image.Name, "manifest.json")));
        Assert.Null(await h.StateOfAsync("web"));                       // xl save stopped it
        Assert.All(disks, d => Assert.True(File.Exists(d)));             // and never removed its disks
        Assert.False(Directory.Exists(Path.Combine(h.TmpDir, "save-web")));
        Assert.Empty((await h.JournalAsync()).Resources.Where(r => r.HalfMade));

        var listed = Assert.Single(await store.ListAsync(None));
        Assert.Equal(image.Name, listed.Name);
        Assert.Equal(image.ArchiveSha256, listed.ArchiveSha256);

        // The disks are the module's (journaled), so restoring over them is allowed: scribble on them first to prove it.
        await File.WriteAllBytesAsync(disks[0], new byte[] { 1, 2, 3 });
        var domain = await ImageRestorer.RestoreAsync(h.Connection, listed, false, null, None);
        Assert.Equal("web", domain.Name);
        Assert.NotNull(await h.StateOfAsync("web"));
        Assert.Equal(shas, disks.Select(ImageHost.Sha));
        Assert.Equal(configText, await File.ReadAllTextAsync(cfg));
        var journal = await h.JournalAsync();
        Assert.Empty(journal.Resources.Where(r => r.HalfMade));
        Assert.True(journal.Find(ResourceKinds.Domain, "web")!.Exists);
        Assert.Empty(Directory.Exists(h.TmpDir) ? Directory.GetFileSystemEntries(h.TmpDir) : Array.Empty<string>());
    }

    [Fact]
    public async Task A_sparse_disk_is_archived_by_its_data_not_its_size()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("big", ("big.img", 1L << 30, 8, 3));
        var image = await ImageSaver.SaveAsync(h.Connection, "big", ImageStore.Local(h.LocalRepo), true, null, None);
        Assert.Equal(1L << 30, image.Disks.Single().SizeBytes);
        Assert.InRange(image.ArchiveBytes, 8L << 20, 10L << 20);        // 8 MiB of random data, not 1 GiB
        Assert.NotNull(await h.StateOfAsync("big"));                     // -Checkpoint: still running
        Assert.True(image.Checkpoint);
    }

    [Fact]
    public async Task A_checkpoint_keeps_the_domain_paused_while_its_disks_are_archived_then_unpauses_it()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("cp", ("cp.img", 16L << 20, 2, 5));
        await h.CreateDomainAsync("held", ("held.img", 8L << 20, 1, 6));
        await h.Connection.RunXlAsync(None, "pause", "held");
        var seen = new List<string>();
        // The status line before the archive runs: the state the disks are archived in.
        var options = new ImageSaveOptions
        {
            Checkpoint = true,
            Status = m => { if (m.Contains("archiving ")) seen.Add(h.StateOfAsync("cp").GetAwaiter().GetResult()!); },
        };
        await ImageSaver.SaveAsync(h.Connection, "cp", ImageStore.Local(h.LocalRepo), options, null, None);
        Assert.Equal("Paused", seen.Single());
        Assert.True(await h.StateOfAsync("cp") is "Running" or "Blocked");

        // A domain the operator had paused is archived paused and stays paused.
        seen.Clear();
        await ImageSaver.SaveAsync(h.Connection, "held", ImageStore.Local(h.LocalRepo), new ImageSaveOptions
        {
            Checkpoint = true,
            Status = m => { if (m.Contains("archiving ")) seen.Add(h.StateOfAsync("held").GetAwaiter().GetResult()!); },
        }, null, None);
        Assert.Equal("Paused", seen.Single());
        Assert.Equal("Paused", await h.StateOfAsync("held"));
    }

    [Fact]
    public async Task A_corrupt_byte_is_found_before_anything_is_restored()
    {
        using var h = new ImageHost();
        var (_, disks) = await h.CreateDomainAsync("db", ("db.img", 16L << 20, 2, 4));
        var store = ImageStore.Local(h.LocalRepo);
        var image = await ImageSaver.SaveAsync(h.Connection, "db", store, false, null, None);
        var archive = Path.Combine(h.LocalRepo, image.Name, image.ArchiveFile);
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(archive, bytes);
        var diskBefore = ImageHost.Sha(disks[0]);
        var journalBefore = (await h.JournalAsync()).Resources.Count;

        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(h.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.ImageCorrupt, e.ErrorId);
        Assert.Contains("Nothing was restored", e.Message);
        Assert.Null(await h.StateOfAsync("db"));
        Assert.Equal(diskBefore, ImageHost.Sha(disks[0]));
        Assert.Equal(journalBefore, (await h.JournalAsync()).Resources.Count);   // checked before the host was touched
    }

    [Theory]
    [InlineData("streamSha256")]
    [InlineData("sizeBytes")]
    public async Task A_manifest_that_differs_from_a_good_archive_is_found_on_the_host_and_the_temp_dir_removed(string field)
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("app", ("app.img", 8L << 20, 1, 5));
        var store = ImageStore.Local(h.LocalRepo);
        var image = await ImageSaver.SaveAsync(h.Connection, "app", store, false, null, None);
        // The archive's hash passes; the tar stream (an archive made from other data) or a member's size does not.
        var manifestPath = Path.Combine(h.LocalRepo, image.Name, "manifest.json");
        var json = Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(manifestPath));
        if (field == "streamSha256") json["streamSha256"] = new string('0', 64);
        else json["members"]!.Single(m => (string)m["name"]! == "disk-0")["sizeBytes"] = (8L << 20) + 512;
        await File.WriteAllTextAsync(manifestPath, json.ToString());
        await AssertCorruptOnTheHostAsync(h, store, image.Name, "app", field == "streamSha256" ? "tar stream" : "disk-0");
    }

    [Fact]
    public async Task A_format_1_image_restores_and_its_member_checksums_are_still_verified()
    {
        using var h = new ImageHost();
        var (_, disks) = await h.CreateDomainAsync("old", ("old.img", 8L << 20, 1, 6));
        var sha = ImageHost.Sha(disks[0]);
        var store = ImageStore.Local(h.LocalRepo);
        var saved = await ImageSaver.SaveAsync(h.Connection, "old", store, false, null, None);
        var dir = Path.Combine(h.LocalRepo, saved.Name);
        ImageHost.ToFormat1(dir);
        var image = await store.GetAsync(saved.Name, None);
        Assert.Equal(1, image.FormatVersion);
        Assert.Equal(sha, image.Disks.Single().Sha256);

        await File.WriteAllBytesAsync(disks[0], new byte[] { 1 });
        await ImageRestorer.RestoreAsync(h.Connection, image, false, null, None);
        Assert.Equal(sha, ImageHost.Sha(disks[0]));
        await h.Connection.RunXlAsync(None, "destroy", "old");

        // A member hash that is wrong (an archive made from changed data): the archive hash passes, the member's fails.
        var manifestPath = Path.Combine(dir, "manifest.json");
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath)).Replace(sha, new string('0', 64)));
        await AssertCorruptOnTheHostAsync(h, store, saved.Name, "old", "disk-0");
    }

    private static async Task AssertCorruptOnTheHostAsync(ImageHost h, ImageStore store, string name, string domain, string named)
    {
        var reread = await store.GetAsync(name, None);
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(h.Connection, reread, false, null, None));
        Assert.Equal(XenErrorIds.ImageCorrupt, e.ErrorId);
        Assert.Contains(named, e.Message);
        Assert.Null(await h.StateOfAsync(domain));
        Assert.Empty(Directory.GetFileSystemEntries(h.TmpDir));
        var journal = await h.JournalAsync();
        Assert.Empty(journal.Resources.Where(r => r.HalfMade));
        Assert.All(journal.Resources.Where(r => r.Kind == ImageResourceKinds.Temp), r => Assert.True(r.Removed));
    }

    [Fact]
    public async Task Without_zstd_the_host_falls_back_to_gzip_and_says_so()
    {
        using var h = new ImageHost("img2", null, "zstd", "pigz");
        await h.CreateDomainAsync("old", ("old.img", 8L << 20, 1, 6));
        var lines = new List<string>();
        var image = await ImageSaver.SaveAsync(h.Connection, "old", ImageStore.Local(h.LocalRepo),
            new ImageSaveOptions { Status = lines.Add }, null, None);
        Assert.Equal("gzip", image.Compression);
        Assert.EndsWith(".tar.gz", image.ArchiveFile);
        Assert.Contains(lines, l => l.Contains("compressed with gzip (zstd is not installed on the host)"));
        await ImageRestorer.RestoreAsync(h.Connection, image, true, null, None);
        Assert.Equal("Paused", await h.StateOfAsync("old"));
    }

    [Fact]
    public async Task A_zstd_image_on_a_host_without_zstd_is_refused_with_XenToolMissing()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("z", ("z.img", 4L << 20, 1, 7));
        var image = await ImageSaver.SaveAsync(h.Connection, "z", ImageStore.Local(h.LocalRepo), false, null, None);
        h.Connect("zstd");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(h.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.ToolMissing, e.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(h.TmpDir));
    }

    [Fact]
    public async Task A_save_that_fails_after_xl_save_keeps_the_memory_and_a_rerun_finishes_it()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("batch", ("batch.img", 8L << 20, 1, 8));
        var store = ImageStore.Local(h.LocalRepo);
        h.Connect("tar");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "batch", store, false, null, None));
        Assert.Equal(XenErrorIds.ToolMissing, e.ErrorId);
        Assert.Contains("Run Save-XenImage for batch again", e.Message);
        Assert.Null(await h.StateOfAsync("batch"));
        Assert.Empty(await store.ListAsync(None));
        Assert.True(File.Exists(Path.Combine(h.TmpDir, "save-batch", "memory.save")));

        h.Connect();
        var image = await ImageSaver.SaveAsync(h.Connection, "batch", store, false, null, None);
        Assert.True(image.Complete);
        Assert.False(Directory.Exists(Path.Combine(h.TmpDir, "save-batch")));
        await ImageRestorer.RestoreAsync(h.Connection, image, false, null, None);
        Assert.NotNull(await h.StateOfAsync("batch"));
    }

    [Fact]
    public async Task A_partial_directory_is_never_listed_as_complete_and_a_taken_name_is_refused()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("p", ("p.img", 4L << 20, 1, 9));
        var store = ImageStore.Local(h.LocalRepo);
        Directory.CreateDirectory(Path.Combine(h.LocalRepo, "p-1.partial"));
        await File.WriteAllTextAsync(Path.Combine(h.LocalRepo, "p-1.partial", "p-1.tar.zst"), "half");
        Directory.CreateDirectory(Path.Combine(h.LocalRepo, "stray"));
        Assert.Empty(await store.ListAsync(None));
        var all = await store.ListAsync(true, None);
        Assert.Equal(2, all.Count);
        Assert.All(all, i => Assert.False(i.Complete));

        var image = await ImageSaver.SaveAsync(h.Connection, "p", store, new ImageSaveOptions { Checkpoint = true, ImageName = "p-1" }, null, None);
        Assert.Equal("p-1", image.Name);
        Assert.False(Directory.Exists(Path.Combine(h.LocalRepo, "p-1.partial")));
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "p", store, new ImageSaveOptions { Checkpoint = true, ImageName = "p-1" }, null, None));
        Assert.Equal(XenErrorIds.ImageExists, e.ErrorId);
    }

    [Fact]
    public async Task A_repository_on_the_host_saves_lists_restores_and_removes_with_the_journal()
    {
        using var h = new ImageHost();
        var (_, disks) = await h.CreateDomainAsync("svc", ("svc.img", 8L << 20, 2, 10));
        var sha = ImageHost.Sha(disks[0]);
        var repo = Path.Combine(h.Root, "img1", "var", "lib", "xen", "save");
        var store = ImageStore.OnHost(h.Connection, repo);
        var image = await ImageSaver.SaveAsync(h.Connection, "svc", store, false, null, None);
        Assert.Equal($"img1:{repo}/{image.Name}", image.Location);
        var listed = Assert.Single(await store.ListAsync(None));
        Assert.True(listed.Complete);
        Assert.True((await h.JournalAsync()).Find(ImageResourceKinds.SavedImage, $"{repo}/{image.Name}")!.Exists);

        File.Delete(disks[0]);
        await ImageRestorer.RestoreAsync(h.Connection, listed, false, null, None);
        Assert.Equal(sha, ImageHost.Sha(disks[0]));

        await store.RemoveAsync(listed, None);
        Assert.Empty(await store.ListAsync(true, None));
        Assert.True((await h.JournalAsync()).Find(ImageResourceKinds.SavedImage, $"{repo}/{image.Name}")!.Removed);
    }

    [Fact]
    public async Task Restore_refuses_to_overwrite_a_file_the_module_did_not_make()
    {
        using var h = new ImageHost("own");
        var (_, disks) = await h.CreateDomainAsync("m", ("m.img", 4L << 20, 1, 11));
        var image = await ImageSaver.SaveAsync(h.Connection, "m", ImageStore.Local(h.LocalRepo), false, null, None);
        // The journal forgets the disk (as after Clear-XenHost), and someone else puts a file at its path.
        var journal = new HostJournal(h.Connection);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Undo, Kind = ResourceKinds.Image, Resource = disks[0], Domain = "m" }, None);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Undone, Kind = ResourceKinds.Image, Resource = disks[0], Domain = "m" }, None);
        await File.WriteAllTextAsync(disks[0], "not the module's");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(h.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.StorageConflict, e.ErrorId);
        Assert.Equal("not the module's", await File.ReadAllTextAsync(disks[0]));
        Assert.Null(await h.StateOfAsync("m"));
    }

    [Fact]
    public async Task Restore_on_a_host_whose_directories_do_not_hold_the_images_paths_is_refused_before_any_command()
    {
        using var src = new ImageHost("src");
        await src.CreateDomainAsync("m", ("m.img", 4L << 20, 1, 11));
        var image = await ImageSaver.SaveAsync(src.Connection, "m", ImageStore.Local(src.LocalRepo), false, null, None);
        using var dst = new ImageHost("dst", src.Root);
        var commands = new List<string>();
        dst.Connection.CommandLog = commands.Add;
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(dst.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.ImageInvalid, e.ErrorId);
        Assert.Contains("members[1].originalPath", e.Message);
        Assert.Contains(dst.ImageDir, e.Message);
        Assert.Empty(commands);
        Assert.Null(await dst.StateOfAsync("m"));
    }

    [Fact]
    public async Task Convert_without_qemu_img_is_XenToolMissing_and_journals_nothing()
    {
        using var h = new ImageHost("img3", null, "qemu-img");
        var (_, disks) = await h.CreateDomainAsync("c", ("c.img", 4L << 20, 1, 12));
        var before = (await h.JournalAsync()).Resources.Count;
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageConverter.ConvertAsync(h.Connection, disks[0], "qcow2", null, None));
        Assert.Equal(XenErrorIds.ToolMissing, e.ErrorId);
        Assert.Equal(before, (await h.JournalAsync()).Resources.Count);
        Assert.Equal(disks[0][..^4] + ".qcow2", ImageConverter.DefaultDestination(disks[0], "qcow2"));
    }

    [Fact]
    public async Task Convert_runs_qemu_img_and_journals_the_output()
    {
        using var h = new ImageHost();
        var (_, disks) = await h.CreateDomainAsync("q", ("q.img", 4L << 20, 1, 13));
        // A stand-in qemu-img (the real one is not on every test machine): copies its input and records its arguments.
        var bin = Path.Combine(h.Root, "fakebin");
        Directory.CreateDirectory(bin);
        var fake = Path.Combine(bin, "qemu-img");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\neval last=\\${$#}; eval src=\\${$(($# - 1))}\ncp \"$src\" \"$last\"\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0x1ED);
        var info = h.Connection.Host.Connection;
        var env = new Dictionary<string, string>(info.Environment) { ["PATH"] = bin + ":" + info.Environment["PATH"] };
        using var conn = Hosts.HostConnection.Create(new Hosts.HostConnectionInfo { Name = info.Name, Kind = info.Kind, Paths = info.Paths, Environment = env });
        var result = await ImageConverter.ConvertAsync(conn, disks[0], "qcow2", null, None);
        Assert.Equal(disks[0][..^4] + ".qcow2", result.Destination);
        Assert.Equal($"convert -O qcow2 {disks[0]} {result.Destination}", (await File.ReadAllTextAsync(Path.Combine(bin, "args"))).Trim());
        var record = (await h.JournalAsync()).Find(ResourceKinds.Image, result.Destination)!;
        Assert.True(record.Exists);
        Assert.Equal("q", record.Domain);
        var again = await Assert.ThrowsAsync<XenHostException>(() => ImageConverter.ConvertAsync(conn, disks[0], "qcow2", null, None));
        Assert.Equal(XenErrorIds.StorageConflict, again.ErrorId);
    }
}
