using SmartDomains.Images;
using SmartDomains.Storage;
using Xunit;

namespace SmartDomains.Tests.Images;

/// <summary>A disk of a saved image serves as the base of pool disks: "IMAGE/disk-0" in the image repository.</summary>
public sealed class SavedImageAsBaseTests
{
    [Fact]
    public async Task A_saved_disk_resolves_as_a_base_image_with_the_same_content()
    {
        using var h = new ImageHost();
        var (_, disks) = await h.CreateDomainAsync("gold", ("gold-xvda.img", 16L << 20, 2, 9));
        var sha = ImageHost.Sha(disks[0]);
        var image = await ImageSaver.SaveAsync(h.Connection, "gold", ImageStore.Local(h.LocalRepo), false, null, CancellationToken.None);

        var repository = new ImageRepository(h.LocalRepo);
        var base1 = repository.Resolve($"{image.Name}/disk-0");
        Assert.Equal(sha, base1.Sha256);
        Assert.Equal(16L << 20, base1.SizeBytes);
        // The second use reads the unpacked copy; nothing is unpacked again.
        var stamp = File.GetLastWriteTimeUtc(base1.LocalPath);
        Assert.Equal(base1.LocalPath, repository.Resolve($"{image.Name}/disk-0").LocalPath);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(base1.LocalPath));

        var missing = Assert.Throws<XenHostException>(() => repository.Resolve($"{image.Name}/disk-7"));
        Assert.Contains("has no disk named 'disk-7'", missing.Message);
    }

    [Fact]
    public async Task An_edited_manifest_is_refused_before_its_cache_directory_is_made_from_it()
    {
        using var h = new ImageHost();
        await h.CreateDomainAsync("gold", ("gold-xvda.img", 4L << 20, 1, 9));
        var image = await ImageSaver.SaveAsync(h.Connection, "gold", ImageStore.Local(h.LocalRepo), false, null, CancellationToken.None);
        var manifest = Path.Combine(h.LocalRepo, image.Name, "manifest.json");
        var json = Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(manifest));
        // Its first 16 characters name the cache directory: unchecked, these climbed out of the repository (to <root>/outside-xx).
        json["archiveSha256"] = "../../outside-xx" + new string('0', 48);
        await File.WriteAllTextAsync(manifest, json.ToString());
        var e = Assert.Throws<XenHostException>(() => new ImageRepository(h.LocalRepo).Resolve($"{image.Name}/disk-0"));
        Assert.Equal(XenErrorIds.ImageInvalid, e.ErrorId);
        Assert.Contains("archiveSha256", e.Message);
        Assert.False(Directory.Exists(Path.Combine(h.LocalRepo, ".extracted")));
        Assert.False(Directory.Exists(Path.Combine(h.Root, "outside-xx")));
    }
}
