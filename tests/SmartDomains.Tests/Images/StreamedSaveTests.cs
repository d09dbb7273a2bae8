using SmartDomains.Images;
using Xunit;

namespace SmartDomains.Tests.Images;

/// <summary>Saves into a local repository stream the archive from the host; a stream that breaks leaves no image behind.</summary>
public sealed class StreamedSaveTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_stream_the_host_breaks_midway_leaves_no_image_names_the_host_and_command_and_unpauses_the_domain()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("s", ("s.img", 32L << 20, 4, 21));
        var store = ImageStore.Local(h.LocalRepo);
        // zstd passes 64 KiB of the archive on, then dies: the controller has a partial file when the script fails.
        h.ConnectWithFake("zstd", "head -c 65536\nexit 3");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "s", store, true, null, None));
        Assert.Equal(XenErrorIds.ImageSaveFailed, e.ErrorId);
        Assert.Contains(h.Name, e.Message);
        Assert.Contains("image-stream.sh", e.Message);
        Assert.Matches(@"(tar|z) failed \(\d+\)", e.Message);           // the stage that broke (tar, when zstd left it writing to nobody)
        Assert.Empty(await store.ListAsync(true, None));                         // not even a .partial directory
        Assert.True(await h.StateOfAsync("s") is "Running" or "Blocked");          // the checkpoint's pause ended
        Assert.Empty(Directory.GetFileSystemEntries(h.TmpDir));

        h.Connect();
        var image = await ImageSaver.SaveAsync(h.Connection, "s", store, true, null, None);
        Assert.True(image.Complete);
        Assert.Equal(image.ArchiveBytes, new FileInfo(Path.Combine(image.Location, image.ArchiveFile)).Length);
        Assert.Equal(new[] { image.ArchiveFile, ImageStore.ManifestFile }.Order(), Directory.GetFiles(image.Location).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task An_archive_that_arrives_other_than_the_host_sent_it_is_refused_and_nothing_is_kept()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("t", ("t.img", 8L << 20, 1, 22));
        var store = ImageStore.Local(h.LocalRepo);
        // tee hashes the stream on the host, then one byte more reaches the controller than the host counted.
        h.ConnectWithFake("tee", "/usr/bin/tee \"$@\" && printf X");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "t", store, true, null, None));
        Assert.Equal(XenErrorIds.ImageCorrupt, e.ErrorId);
        Assert.Contains("Nothing was kept", e.Message);
        Assert.Empty(await store.ListAsync(true, None));
    }

    [Fact]
    public async Task A_stopped_domain_whose_stream_broke_keeps_its_memory_image_and_a_rerun_streams_it_again()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("u", ("u.img", 8L << 20, 1, 23));
        var store = ImageStore.Local(h.LocalRepo);
        h.ConnectWithFake("zstd", "head -c 1000\nexit 9");
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageSaver.SaveAsync(h.Connection, "u", store, false, null, None));
        Assert.Contains("Run Save-XenImage for u again", e.Message);
        Assert.Empty(await store.ListAsync(true, None));
        Assert.True(File.Exists(Path.Combine(h.TmpDir, "save-u", ImageSaver.MemoryMember)));

        h.Connect();
        var image = await ImageSaver.SaveAsync(h.Connection, "u", store, false, null, None);
        Assert.True(image.Complete);
        await ImageRestorer.RestoreAsync(h.Connection, image, false, null, None);
        Assert.NotNull(await h.StateOfAsync("u"));
    }
}
