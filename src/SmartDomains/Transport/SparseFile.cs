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
    public static async Task CopyAsync(string path, Stream target, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(source);
        var buffer = new byte[ChunkBytes];
        long copied = 0;
        foreach (var extent in DataExtents(source, length))
        {
            target.Seek(extent.Offset, SeekOrigin.Begin);
            for (long done = 0; done < extent.Length;)
            {
                var read = await RandomAccess.ReadAsync(source, buffer.AsMemory(0, (int)Math.Min(buffer.Length, extent.Length - done)),
                    extent.Offset + done, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;                                   // the file shrank meanwhile: its checksum will say so
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                done += read;
                progress?.Report(copied += read);
            }
        }
        target.SetLength(length);
        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private const int ChunkBytes = 256 * 1024;

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
