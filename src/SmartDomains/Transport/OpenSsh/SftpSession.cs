using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>
/// SFTP version 3 (draft-ietf-secsh-filexfer-02), the part a copy needs, over one <c>ssh -s HOST sftp</c> process that
/// rides the master: no new handshake. Requests are pipelined (many in flight, answered by id in any order), so one
/// session keeps the link busy where a request at a time would wait a round trip per packet. sftp-server writes with
/// pwrite at the offsets given, so the holes of a sparse file stay holes on the host.
/// </summary>
public sealed class SftpSession : IAsyncDisposable
{
    private const byte Init = 1, Version = 2, Open = 3, Close = 4, Read = 5, Write = 6, FSetStat = 10;
    private const byte Status = 101, Handle = 102, Data = 103;
    private const uint StatusOk = 0, StatusEof = 1;
    private const uint AttrSize = 1;
    public const uint OpenRead = 0x1, OpenWrite = 0x2, OpenCreate = 0x8, OpenTruncate = 0x10;

    private readonly Process _process;
    private readonly Stream _toServer;
    private readonly Stream _fromServer;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(byte Type, byte[] Body)>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private Task _reader = Task.CompletedTask;
    private readonly Task _stderrRead;
    private int _nextId;
    private volatile Exception? _ended;

    private SftpSession(Process process)
    {
        _process = process;
        _toServer = process.StandardInput.BaseStream;
        _fromServer = process.StandardOutput.BaseStream;
        _stderrRead = CollectStderrAsync();
    }

    /// <summary>What ssh wrote on stderr so far (why a session ended early).</summary>
    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts the subsystem process and agrees on version 3.</summary>
    public static async Task<SftpSession> StartAsync(System.Diagnostics.ProcessStartInfo start, CancellationToken cancellationToken)
    {
        var session = new SftpSession(Process.Start(start)!);
        try
        {
            var hello = new byte[9];
            BinaryPrimitives.WriteUInt32BigEndian(hello, 5);
            hello[4] = Init;
            BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(5), 3);
            await session._toServer.WriteAsync(hello, cancellationToken).ConfigureAwait(false);
            await session._toServer.FlushAsync(cancellationToken).ConfigureAwait(false);
            var (type, _) = await session.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (type != Version) throw new IOException($"The sftp server answered the greeting with packet type {type}.");
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"sftp did not start: {SshFailure.Clean(session.StdErr)} {e.Message}".Trim(), e);
        }
        session._reader = session.ReadRepliesAsync();
        return session;
    }

    public async Task<byte[]> OpenAsync(string path, uint flags, CancellationToken cancellationToken)
    {
        var (type, body) = await RequestAsync(Open, w => w.Text(path).UInt32(flags).UInt32(0), cancellationToken).ConfigureAwait(false);
        if (type != Handle) ThrowStatus(type, body, path);
        return new PacketReader(body).Bytes();
    }

    public async Task WriteAsync(byte[] handle, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var (type, body) = await RequestAsync(Write, w => w.Bytes(handle).UInt64((ulong)offset).Bytes(data.Span), cancellationToken).ConfigureAwait(false);
        ExpectOk(type, body, "write");
    }

    /// <summary>Reads up to <paramref name="length"/> bytes at <paramref name="offset"/>; null at the end of the file.</summary>
    public async Task<byte[]?> ReadAsync(byte[] handle, long offset, int length, CancellationToken cancellationToken)
    {
        var (type, body) = await RequestAsync(Read, w => w.Bytes(handle).UInt64((ulong)offset).UInt32((uint)length), cancellationToken).ConfigureAwait(false);
        if (type == Data) return new PacketReader(body).Bytes();
        if (type == Status && new PacketReader(body).UInt32() == StatusEof) return null;
        ThrowStatus(type, body, "read");
        return null;
    }

    /// <summary>Sets the file's length (ftruncate): what makes a trailing hole of a sparse file.</summary>
    public async Task SetSizeAsync(byte[] handle, long size, CancellationToken cancellationToken)
    {
        var (type, body) = await RequestAsync(FSetStat, w => w.Bytes(handle).UInt32(AttrSize).UInt64((ulong)size), cancellationToken).ConfigureAwait(false);
        ExpectOk(type, body, "set size");
    }

    public async Task CloseAsync(byte[] handle, CancellationToken cancellationToken)
    {
        var (type, body) = await RequestAsync(Close, w => w.Bytes(handle), cancellationToken).ConfigureAwait(false);
        ExpectOk(type, body, "close");
    }

    private async Task<(byte Type, byte[] Body)> RequestAsync(byte type, Action<PacketWriter> payload, CancellationToken cancellationToken)
    {
        if (_ended is { } ended) throw new IOException("The sftp session has ended.", ended);
        var id = (uint)Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<(byte, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var writer = new PacketWriter(type, id);
        payload(writer);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { await _toServer.WriteAsync(writer.ToArray(), cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            throw new IOException("The sftp session has ended.", e);
        }
        finally { _sendGate.Release(); }
        // A session that ended meanwhile may have failed the others before this one was listed.
        if (_ended is { } gone && _pending.TryRemove(id, out _)) throw new IOException("The sftp session has ended.", gone);
        using (cancellationToken.Register(() => reply.TrySetCanceled(cancellationToken)))
            return await reply.Task.ConfigureAwait(false);
    }

    private async Task ReadRepliesAsync()
    {
        try
        {
            while (true)
            {
                var (type, body) = await ReadPacketAsync(CancellationToken.None).ConfigureAwait(false);
                var id = BinaryPrimitives.ReadUInt32BigEndian(body);
                if (_pending.TryRemove(id, out var reply)) reply.TrySetResult((type, body[4..]));
            }
        }
        catch (Exception e)
        {
            _ended = e;
            foreach (var id in _pending.Keys)
                if (_pending.TryRemove(id, out var reply)) reply.TrySetException(new IOException("The sftp session has ended.", e));
        }
    }

    private async Task<(byte Type, byte[] Body)> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await _fromServer.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length < 1 || length > MaxPacket) throw new IOException($"The sftp server sent a packet of {length} bytes.");
        var body = new byte[length - 1];
        await _fromServer.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return (header[4], body);
    }

    // sftp-server's own limit (SFTP_MAX_MSG_LENGTH), and so the most a well-behaved server sends.
    private const uint MaxPacket = 256 * 1024 + 1024;

    private static void ExpectOk(byte type, byte[] body, string what)
    {
        if (type == Status && new PacketReader(body).UInt32() == StatusOk) return;
        ThrowStatus(type, body, what);
    }

    private static void ThrowStatus(byte type, byte[] body, string what)
    {
        if (type != Status) throw new IOException($"The sftp server answered {what} with packet type {type}.");
        var reader = new PacketReader(body);
        var code = reader.UInt32();
        throw new SftpStatusException(code, $"{what}: {reader.Text()} (sftp status {code})");
    }

    private async Task CollectStderrAsync()
    {
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await _process.StandardError.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                lock (_stderr) _stderr.Append(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    /// <summary>Ends the subsystem: closing its input ends sftp-server; a session that does not end is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { ChildProcess.Kill(_process); }
        try { await _reader.ConfigureAwait(false); } catch (Exception) { /* its failure was handed to the requests */ }
        // ssh's last words (why a channel was refused, say) end with it.
        await Task.WhenAny(_stderrRead, Task.Delay(500)).ConfigureAwait(false);
        _process.Dispose();
        _sendGate.Dispose();
    }

    /// <summary>Kills the subsystem process at once (a cancelled or failed transfer).</summary>
    public void Kill() => ChildProcess.Kill(_process);

    private sealed class PacketWriter
    {
        private readonly MemoryStream _buffer = new();

        public PacketWriter(byte type, uint id)
        {
            _buffer.Write(stackalloc byte[4]);   // the length, filled in by ToArray
            _buffer.WriteByte(type);
            UInt32(id);
        }

        public PacketWriter UInt32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
            _buffer.Write(b);
            return this;
        }

        public PacketWriter UInt64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(b, value);
            _buffer.Write(b);
            return this;
        }

        public PacketWriter Bytes(ReadOnlySpan<byte> value)
        {
            UInt32((uint)value.Length);
            _buffer.Write(value);
            return this;
        }

        public PacketWriter Text(string value) => Bytes(Encoding.UTF8.GetBytes(value));

        public byte[] ToArray()
        {
            var packet = _buffer.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
            return packet;
        }
    }

    private ref struct PacketReader
    {
        private ReadOnlySpan<byte> _rest;

        public PacketReader(ReadOnlySpan<byte> body) => _rest = body;

        public uint UInt32()
        {
            if (_rest.Length < 4) throw new IOException("The sftp server sent a packet cut short.");
            var value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public byte[] Bytes()
        {
            var length = (int)UInt32();
            if (length > _rest.Length) throw new IOException("The sftp server sent a packet cut short.");
            var value = _rest[..length].ToArray();
            _rest = _rest[length..];
            return value;
        }

        public string Text() => _rest.Length < 4 ? "" : Encoding.UTF8.GetString(Bytes());
    }
}

/// <summary>An sftp request the server refused (no such file, permission denied, failure), with its message.</summary>
public sealed class SftpStatusException(uint code, string message) : IOException(message)
{
    public uint Code { get; } = code;
}
