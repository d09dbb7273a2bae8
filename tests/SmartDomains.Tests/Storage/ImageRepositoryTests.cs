using SmartDomains.Transport;
using System.Security.Cryptography;
using SmartDomains.Storage;
using Xunit;

namespace SmartDomains.Tests.Storage;

public class ImageRepositoryTests : IDisposable
{
    private readonly LocalStorageHost _h = new();
    public void Dispose() => _h.Dispose();

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    [Theory]
    [InlineData("debian12.img", "debian12")]
    [InlineData("slc6.raw", "slc6")]
    [InlineData("fedora.qcow2", "fedora")]
    public void A_name_resolves_to_the_file_with_any_known_suffix(string file, string name)
    {
        var path = _h.AddBaseImage(file, 4096, 65536);
        var image = _h.Repository.Resolve(name);
        Assert.Equal(name, image.Name);
        Assert.Equal(path, image.LocalPath);
        Assert.Equal(65536, image.SizeBytes);
        Assert.Equal(Sha(path), image.Sha256);
        Assert.Equal(file.EndsWith(".qcow2") ? "qcow2" : "raw", image.Format);
        Assert.Equal(image, _h.Repository.Resolve(file));                  // the file name works too
        Assert.Equal(image, _h.Repository.Resolve(path));                  // and the path
    }

    [Fact]
    public void An_unknown_name_is_XenBaseImageNotFound_and_lists_what_there_is()
    {
        _h.AddBaseImage("debian12.img", 16, 1024);
        _h.AddBaseImage("centos.qcow2", 16, 1024);
        var e = Assert.Throws<XenHostException>(() => _h.Repository.Resolve("ubuntu"));
        Assert.Equal("XenBaseImageNotFound", e.ErrorId);
        Assert.Equal(XenErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains("ubuntu", e.Message);
        Assert.Contains("centos.qcow2, debian12.img", e.Message);
        Assert.Equal("XenBaseImageNotFound", Assert.Throws<XenHostException>(() => _h.Repository.Resolve("/nonexistent/x.img")).ErrorId);
    }

    [Fact]
    public void The_ranges_sha256_is_that_of_the_bytes_in_the_data_ranges_and_the_ranges_cover_the_data()
    {
        // 64 KiB of data at 0 and 32 KiB at 5 MiB + 4 KiB, in a 9 MiB file: two ranges, 64 KiB aligned.
        var path = Path.Combine(_h.RepoDir, "two.img");
        using (var f = File.Create(path))
        {
            f.Write(RandomNumberGenerator.GetBytes(64 << 10));
            f.Seek((5L << 20) + 4096, SeekOrigin.Begin);
            f.Write(RandomNumberGenerator.GetBytes(32 << 10));
            f.SetLength(9L << 20);
        }
        var image = _h.Repository.Resolve("two");
        Assert.Equal(new[] { new SparseFile.Extent(0, 64 << 10), new SparseFile.Extent(5L << 20, 64 << 10) }, image.Ranges);
        var bytes = File.ReadAllBytes(path);
        var expected = Convert.ToHexString(SHA256.HashData(bytes.AsSpan(0, 64 << 10).ToArray().Concat(bytes.AsSpan((int)(5L << 20), 64 << 10).ToArray()).ToArray())).ToLowerInvariant();
        Assert.Equal(expected, image.RangesSha256);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), image.Sha256);
    }

    [Fact]
    public void The_hash_is_kept_in_a_sidecar_and_used_while_size_and_mtime_are_unchanged()
    {
        var path = _h.AddBaseImage("base.img", 8192, 1 << 20);
        var real = _h.Repository.Resolve("base").Sha256;
        var sidecar = ImageRepository.SidecarPath(path);
        var lines = File.ReadAllLines(sidecar);
        Assert.Equal($"{real}  base.img", lines[0]);                         // sha256sum -c compatible
        Assert.Equal(0, LocalStorageHost.Sh("cd \"$1\" && sha256sum -c --status base.img.sha256", _h.RepoDir).Code);

        // A planted hash proves the sidecar is read instead of the image (memory cleared, as in a new process).
        var planted = new string('a', 64);
        File.WriteAllLines(sidecar, new[] { $"{planted}  base.img", lines[1], lines[2] });
        ImageRepository.ClearMemoryCache();
        Assert.Equal(planted, _h.Repository.Resolve("base").Sha256);

        // A sidecar from before the ranges' SHA256 (two lines) is read again, and gains it.
        File.WriteAllLines(sidecar, new[] { $"{planted}  base.img", lines[1] });
        ImageRepository.ClearMemoryCache();
        Assert.Equal(real, _h.Repository.Resolve("base").Sha256);
        Assert.StartsWith("# ranges-sha256=", File.ReadAllLines(sidecar)[2]);

        // A changed image (new mtime) is hashed again and the sidecar rewritten.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        ImageRepository.ClearMemoryCache();
        Assert.Equal(real, _h.Repository.Resolve("base").Sha256);
        Assert.StartsWith(real, File.ReadAllLines(sidecar)[0]);
    }
}
