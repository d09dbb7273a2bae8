using Newtonsoft.Json;
using SmartDomains.Cleanup;
using SmartDomains.Images;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Remote;
using SmartDomains.Storage;
using SmartDomains.Tests.Liveness;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Lifecycle;

/// <summary>
/// Start a domain whose disk is a clone of a base image, save it, clear the host (base cache included), and restore it:
/// the image must stand alone, so a qcow2 clone is archived flattened, never as an overlay of a cache that is gone.
/// </summary>
public sealed class WholeStoryTests : IDisposable
{
    private readonly LivenessHost _host = new(name: "story");
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-story-").FullName;

    public void Dispose()
    {
        try { _host.Connection.RunAsync(RemoteCommand.Xl("destroy", "g4"), CancellationToken.None).GetAwaiter().GetResult(); } catch (XenHostException) { }
        _host.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Start_save_clear_restore_brings_the_domain_back_without_its_base()
    {
        var images = Directory.CreateDirectory(Path.Combine(_dir, "base")).FullName;
        var data = new byte[2 << 20];
        new Random(5).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(images, "fedora-40.img"), data);
        var file = PoolFixture.Write(_dir, "pool.json", JsonConvert.SerializeObject(new
        {
            name = "story",
            domains = new[] { new { name = "g4", extends = "fedora", memory = 256, disks = new[] { new { size = "64M", from = "fedora-40", format = "qcow2" } } } },
        }));
        var h = _host.Connection.Host;
        var pool = PoolPlanner.Plan(PoolFixture.Loader().LoadFile(file), new[] { new HostCapacity("story", 16384, 15360, 8, h.ConfigDir, h.ImageDir) });
        var hosts = new Dictionary<string, Hosts.HostConnection>(StringComparer.OrdinalIgnoreCase) { ["story"] = _host.Connection };
        var started = (await new PoolStarter(pool, hosts, new PoolStartOptions { Images = new ImageRepository(images) }).RunAsync(CancellationToken.None)).Single();
        Assert.Equal(DomainStartStatus.Started, started.Status);
        var method = started.Storage.Single().Method;

        var image = await ImageSaver.SaveAsync(_host.Connection, "g4", ImageStore.Local(Path.Combine(_dir, "saved")), false, null, CancellationToken.None);
        Assert.True(image.Complete);
        var report = await new HostCleaner(_host.Connection, new CleanupOptions()).RunAsync(null, CancellationToken.None);
        Assert.Equal(CleanupStatus.Removed, report.Items.Single(i => i.Kind == "base-image").Status);
        Assert.False(File.Exists(pool.Storage.Single().Path));

        var restored = await ImageRestorer.RestoreAsync(_host.Connection, image, false, null, CancellationToken.None);
        Assert.Equal("g4", restored.Name);
        var disk = pool.Storage.Single().Path;
        Assert.True(File.Exists(disk));
        if (method == "qcow2-backing-file")
        {
            // Standalone now, and its content is the base's: compare as raw.
            var info = await _host.Connection.RunAsync(RemoteCommand.Of("qemu-img", "info", "--output=json", disk), CancellationToken.None);
            Assert.DoesNotContain("backing-filename", info.StdOut);
            var raw = Path.Combine(_dir, "raw.img");
            var convert = await _host.Connection.RunAsync(RemoteCommand.Of("qemu-img", "convert", "-O", "raw", disk, raw), CancellationToken.None);
            Assert.True(convert.Succeeded, convert.StdErr);
            var restoredBytes = File.ReadAllBytes(raw);
            Assert.Equal(data, restoredBytes.AsSpan(0, data.Length).ToArray());
        }
    }
}
