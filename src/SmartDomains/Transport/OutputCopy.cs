namespace SmartDomains.Transport;

/// <summary>The copy of a command's standard output into a caller's stream, shared by the transports.</summary>
public static class OutputCopy
{
    // Large enough that one write per read keeps a hashing file stream busy, small enough to stay out of the large-object heap.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Copies until the end of <paramref name="source"/>, reporting the running total; returns the bytes copied.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream target, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            total += read;
            progress?.Report(total);
        }
        return total;
    }
}
