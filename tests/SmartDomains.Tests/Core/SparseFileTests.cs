using System.Diagnostics;
using System.Security.Cryptography;
using SmartDomains.Transport;
using Xunit;

namespace SmartDomains.Tests.Core;

/// <summary>Sparse copies on this machine's temp file system (ext4 or tmpfs: both report holes through SEEK_DATA).</summary>
public sealed class SparseFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-sparse-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>1 MiB of random data at 0 and at 40 MiB, in a 96 MiB file: two extents, a hole between, a hole at the end.</summary>
    private string NewSparseFile()
    {
        var path = Path.Combine(_dir, "base.img");
        var data = new byte[1 << 20];
        Random.Shared.NextBytes(data);
        using var f = File.Create(path);
        f.Write(data);
        f.Seek(40L << 20, SeekOrigin.Begin);
        f.Write(data);
        f.SetLength(96L << 20);
        return path;
    }

    private static long AllocatedBytes(string path)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", new[] { "-c", "%b %B", path }) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return long.Parse(fields[0]) * long.Parse(fields[1]);
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(f));
    }

    [Fact]
    public void Finds_the_data_extents_and_skips_the_holes()
    {
        var path = NewSparseFile();
        using var handle = File.OpenHandle(path);
        var extents = SparseFile.DataExtents(handle, RandomAccess.GetLength(handle));
        Assert.Equal(2, extents.Count);
        Assert.Equal(0, extents[0].Offset);
        Assert.Equal(40L << 20, extents[1].Offset);
        Assert.All(extents, e => Assert.InRange(e.Length, 1 << 20, 2 << 20));    // a file system may round up to its block
    }

    [Fact]
    public async Task Copies_only_the_data_and_keeps_the_holes_and_the_size()
    {
        var path = NewSparseFile();
        var copy = Path.Combine(_dir, "copy.img");
        long reported = 0;
        await using (var target = new FileStream(copy, FileMode.Create, FileAccess.Write))
            await SparseFile.CopyAsync(path, target, new SyncProgress(n => reported = n), CancellationToken.None);
        Assert.Equal(96L << 20, new FileInfo(copy).Length);
        Assert.Equal(Sha256(path), Sha256(copy));
        Assert.InRange(reported, 2 << 20, 4 << 20);                                 // data bytes, not the apparent size
        Assert.True(AllocatedBytes(copy) < 8 << 20, $"the copy takes {AllocatedBytes(copy)} bytes");
    }

    [Fact]
    public async Task Several_writers_share_the_pieces_and_make_the_same_sparse_copy()
    {
        var path = NewSparseFile();
        var copy = Path.Combine(_dir, "copy.img");
        long reported = 0;
        var opened = 0;
        await using (var target = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.Write))
            await SparseFile.CopyAsync(path, target, _ =>
            {
                Interlocked.Increment(ref opened);
                return Task.FromResult<Stream>(new FileStream(copy, FileMode.Open, FileAccess.Write, FileShare.Write));
            }, 4, new SyncProgress(n => Interlocked.Exchange(ref reported, Math.Max(reported, n))), CancellationToken.None);

        Assert.Equal(1, opened);                                                    // two 1 MiB pieces: one writer more, not three
        Assert.Equal(96L << 20, new FileInfo(copy).Length);
        Assert.Equal(Sha256(path), Sha256(copy));
        Assert.InRange(reported, 2 << 20, 4 << 20);
        Assert.True(AllocatedBytes(copy) < 8 << 20, $"the copy takes {AllocatedBytes(copy)} bytes");
    }

    [Fact]
    public async Task An_empty_file_and_a_file_that_is_all_hole_copy_to_their_size()
    {
        var empty = Path.Combine(_dir, "empty.img");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        var hole = Path.Combine(_dir, "hole.img");
        using (var f = File.Create(hole)) f.SetLength(8L << 20);
        foreach (var source in new[] { empty, hole })
        {
            var copy = source + ".copy";
            await using (var target = new FileStream(copy, FileMode.Create, FileAccess.Write))
                await SparseFile.CopyAsync(source, target, null, CancellationToken.None);
            Assert.Equal(new FileInfo(source).Length, new FileInfo(copy).Length);
            Assert.Equal(Sha256(source), Sha256(copy));
        }
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
