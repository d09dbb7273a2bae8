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
            progress?.Report(total += read);
        }
        return total;
    }

    /// <summary>
    /// The same copy with blocking reads on a thread of its own, for a source whose ReadAsync is only the base class's
    /// (a thread-pool hop per read): SSH.NET's channel streams. One read takes all that arrived meanwhile, up to 1 MiB, so a
    /// busy machine means fewer, larger reads rather than one wake-up per 32 KiB packet.
    /// </summary>
    public static Task<long> CopyOnOwnThreadAsync(Stream source, Stream target, IProgress<long>? progress, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            var buffer = new byte[1 << 20];
            long total = 0;
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                target.Write(buffer, 0, read);
                progress?.Report(total += read);
            }
            return total;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Progress that also restarts <paramref name="deadline"/>'s timer at every chunk: a stream, which may rightly run for
    /// longer than a command's timeout, times out only when nothing arrives for that long.
    /// </summary>
    public static IProgress<long> RestartingTimer(CancellationTokenSource deadline, TimeSpan timeout, IProgress<long>? inner) =>
        new TimerRestart(deadline, timeout, inner);

    private sealed class TimerRestart(CancellationTokenSource deadline, TimeSpan timeout, IProgress<long>? inner) : IProgress<long>
    {
        public void Report(long value)
        {
            try { deadline.CancelAfter(timeout); } catch (ObjectDisposedException) { /* the command has ended */ }
            inner?.Report(value);
        }
    }
}
