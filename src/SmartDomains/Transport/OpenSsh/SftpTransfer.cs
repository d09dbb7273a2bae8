namespace SmartDomains.Transport.OpenSsh;

/// <summary>Uploads and downloads over an <see cref="SftpSession"/>, with many requests in flight at once.</summary>
public static class SftpTransfer
{
    // 64 KiB a request (sftp-server takes up to 256 KiB) and 32 in flight: 2 MiB on the way, enough for a LAN's round trip.
    private const int RequestBytes = 64 * 1024;
    private const int InFlight = 32;

    /// <summary>
    /// Writes a local file into a new remote file, sparse: only the data extents (or exactly <paramref name="ranges"/>)
    /// travel, each at its offset, and the length is set at the end, so the holes stay holes. Progress counts data bytes.
    /// </summary>
    public static async Task UploadAsync(SftpSession session, string localPath, string remotePath, IProgress<long>? progress,
        IReadOnlyList<SparseFile.Extent>? ranges, CancellationToken cancellationToken)
    {
        var handle = await session.OpenAsync(remotePath, SftpSession.OpenWrite | SftpSession.OpenCreate | SftpSession.OpenTruncate, cancellationToken).ConfigureAwait(false);
        await using (var target = new UploadStream(session, handle, cancellationToken))
            await SparseFile.CopyAsync(localPath, target, ranges, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies a remote file into a new local file; progress counts the bytes received.</summary>
    public static async Task DownloadAsync(SftpSession session, string remotePath, string localPath, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var handle = await session.OpenAsync(remotePath, SftpSession.OpenRead, cancellationToken).ConfigureAwait(false);
        try
        {
            using var target = File.OpenHandle(localPath, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
            var reads = new Queue<(long Offset, int Length, Task<byte[]?> Data)>();
            long next = 0, received = 0;
            var ended = false;
            while (true)
            {
                // Read ahead until the server says the file has ended; a short answer asks again for the rest.
                while (!ended && reads.Count < InFlight)
                {
                    reads.Enqueue((next, RequestBytes, session.ReadAsync(handle, next, RequestBytes, cancellationToken)));
                    next += RequestBytes;
                }
                if (reads.Count == 0) break;
                var (offset, length, pending) = reads.Dequeue();
                var data = await pending.ConfigureAwait(false);
                if (data is null) { ended = true; continue; }
                await RandomAccess.WriteAsync(target, data, offset, cancellationToken).ConfigureAwait(false);
                progress?.Report(received += data.Length);
                if (data.Length < length && data.Length > 0)
                    reads.Enqueue((offset + data.Length, length - data.Length, session.ReadAsync(handle, offset + data.Length, length - data.Length, cancellationToken)));
            }
        }
        finally
        {
            await CloseQuietlyAsync(session, handle).ConfigureAwait(false);
        }
    }

    private static async Task CloseQuietlyAsync(SftpSession session, byte[] handle)
    {
        try { await session.CloseAsync(handle, CancellationToken.None).ConfigureAwait(false); }
        catch (IOException) { /* the failure that matters is the one being thrown */ }
    }

    /// <summary>
    /// A seekable stream whose writes are sftp write requests at the current position, sent without waiting for their
    /// answers (at most <see cref="InFlight"/> outstanding); Flush and SetLength wait for all of them.
    /// </summary>
    private sealed class UploadStream(SftpSession session, byte[] handle, CancellationToken cancellationToken) : Stream
    {
        private readonly Queue<Task> _writes = new();
        private long _position;
        private long _length;
        private bool _closed;

        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _position; set => _position = value; }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
        {
            for (var at = 0; at < buffer.Length; at += RequestBytes)
            {
                // The caller reuses its buffer once this returns: each request gets its own copy.
                var chunk = buffer.Slice(at, Math.Min(RequestBytes, buffer.Length - at)).ToArray();
                while (_writes.Count >= InFlight) await _writes.Dequeue().ConfigureAwait(false);
                _writes.Enqueue(session.WriteAsync(handle, _position, chunk, cancellationToken));
                _position += chunk.Length;
                _length = Math.Max(_length, _position);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken token) =>
            WriteAsync(buffer.AsMemory(offset, count), token).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async Task FlushAsync(CancellationToken token)
        {
            while (_writes.Count > 0) await _writes.Dequeue().ConfigureAwait(false);
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override void SetLength(long value)
        {
            Flush();
            session.SetSizeAsync(handle, value, cancellationToken).GetAwaiter().GetResult();
            _length = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_closed) return;
            _closed = true;
            try { await FlushAsync(CancellationToken.None).ConfigureAwait(false); }
            finally { await CloseQuietlyAsync(session, handle).ConfigureAwait(false); }
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed) DisposeAsync().AsTask().GetAwaiter().GetResult();
            base.Dispose(disposing);
        }
    }
}
