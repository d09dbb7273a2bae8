using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SmartDomains.Transport;

/// <summary>
/// The parts of a file that hold data, found with lseek(SEEK_DATA/SEEK_HOLE), so a sparse disk image is sent and stored
/// without its holes. Where the file system cannot tell, the whole file is one extent.
/// </summary>
public static class SparseFile
{
    public readonly record struct Extent(long Offset, long Length);

    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int NoDataAfterOffset = 6;   // ENXIO

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long LSeek(int fd, long offset, int whence);

    /// <summary>
    /// Copies a file's data extents into a seekable stream at their offsets, then sets the stream's length, so the holes stay
    /// holes where the target is written with pwrite (a local file, or sftp-server). Progress counts the data bytes copied.
    /// </summary>
    public static Task CopyAsync(string path, Stream target, IProgress<long>? progress, CancellationToken cancellationToken) =>
        CopyAsync(path, target, null, 1, progress, cancellationToken);

    /// <summary>
    /// The same, sending exactly <paramref name="ranges"/> (see <see cref="Ranges"/>) when given: what the receiver verifies
    /// is then what was hashed, even if the file's holes moved meanwhile.
    /// </summary>
    public static Task CopyAsync(string path, Stream target, IReadOnlyList<Extent>? ranges, IProgress<long>? progress, CancellationToken cancellationToken) =>
        CopyAsync(path, target, null, 1, progress, cancellationToken, ranges);

    /// <summary>
    /// The same with <paramref name="writers"/> streams on the target at once: <paramref name="target"/> and more opened with
    /// <paramref name="openMore"/>, each writing its own pieces. An SFTP stream waits for every write's answer before the next,
    /// so one stream moves about a packet per round trip; several keep the link busy.
    /// </summary>
    public static async Task CopyAsync(string path, Stream target, Func<CancellationToken, Task<Stream>>? openMore, int writers,
        IProgress<long>? progress, CancellationToken cancellationToken, IReadOnlyList<Extent>? ranges = null)
    {
        using var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(source);
        var pieces = (ranges ?? DataExtents(source, length)).SelectMany(Split).ToArray();
        long copied = 0;
        var next = -1;
        async Task WriteAsync(Stream stream)
        {
            var buffer = new byte[ChunkBytes];
            for (var i = Interlocked.Increment(ref next); i < pieces.Length; i = Interlocked.Increment(ref next))
            {
                var piece = pieces[i];
                stream.Seek(piece.Offset, SeekOrigin.Begin);
                for (long done = 0; done < piece.Length;)
                {
                    var read = await RandomAccess.ReadAsync(source, buffer.AsMemory(0, (int)Math.Min(buffer.Length, piece.Length - done)),
                        piece.Offset + done, cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;                               // the file shrank meanwhile: its checksum will say so
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    done += read;
                    progress?.Report(Interlocked.Add(ref copied, read));
                }
            }
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        async Task WriteWithOwnStreamAsync()
        {
            await using var stream = await openMore!(cancellationToken).ConfigureAwait(false);
            await WriteAsync(stream).ConfigureAwait(false);
        }

        var extra = openMore is null ? 0 : Math.Clamp(Math.Min(writers, pieces.Length) - 1, 0, 63);
        await Task.WhenAll(Enumerable.Range(0, extra).Select(_ => WriteWithOwnStreamAsync()).Append(WriteAsync(target))).ConfigureAwait(false);
        target.SetLength(length);
        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Pieces small enough to share out among writers, large enough that a writer's seek is rare.
    private const long PieceBytes = 1L << 20;

    private static IEnumerable<Extent> Split(Extent extent)
    {
        for (long at = 0; at < extent.Length; at += PieceBytes)
            yield return new Extent(extent.Offset + at, Math.Min(PieceBytes, extent.Length - at));
    }

    private const int ChunkBytes = 256 * 1024;

    /// <summary>The alignment of <see cref="Ranges"/>: a host script reads them with dd bs=65536, which POSIX dd can do.</summary>
    public const long RangeAlignment = 64 * 1024;
    // Holes shorter than this between two ranges travel as zeros: fewer, larger reads on the host.
    private const long MergeGapBytes = 1L << 20;

    /// <summary>
    /// The data extents widened to <see cref="RangeAlignment"/> (the last may end at the file's end), with short holes
    /// between them merged in: what a base image upload sends and what both sides hash (<see cref="RangesSha256"/>).
    /// </summary>
    public static IReadOnlyList<Extent> Ranges(SafeFileHandle handle, long length)
    {
        var ranges = new List<Extent>();
        foreach (var e in DataExtents(handle, length))
        {
            var start = e.Offset / RangeAlignment * RangeAlignment;
            var end = Math.Min(length, (e.Offset + e.Length + RangeAlignment - 1) / RangeAlignment * RangeAlignment);
            if (ranges.Count > 0 && start - (ranges[^1].Offset + ranges[^1].Length) <= MergeGapBytes)
                ranges[^1] = new Extent(ranges[^1].Offset, Math.Max(end, ranges[^1].Offset + ranges[^1].Length) - ranges[^1].Offset);
            else ranges.Add(new Extent(start, end - start));
        }
        return ranges;
    }

    /// <summary>The data extents of an open file of <paramref name="length"/> bytes, in order.</summary>
    public static IReadOnlyList<Extent> DataExtents(SafeFileHandle handle, long length)
    {
        var whole = length == 0 ? Array.Empty<Extent>() : new[] { new Extent(0, length) };
        if (!OperatingSystem.IsLinux() || length == 0) return whole;
        var fd = (int)handle.DangerousGetHandle();
        var extents = new List<Extent>();
        long offset = 0;
        try
        {
            while (offset < length)
            {
                var data = LSeek(fd, offset, SeekData);
                if (data < 0)
                {
                    if (Marshal.GetLastPInvokeError() == NoDataAfterOffset) break;   // only a hole is left
                    return whole;                                                      // SEEK_DATA not supported here
                }
                var hole = LSeek(fd, data, SeekHole);
                if (hole < 0) return whole;
                hole = Math.Min(hole, length);
                if (hole > data) extents.Add(new Extent(data, hole - data));
                offset = hole;
            }
        }
        catch (EntryPointNotFoundException) { return whole; }
        catch (DllNotFoundException) { return whole; }
        return extents;
    }
}
