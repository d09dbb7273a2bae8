using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.Transport;
using SmartDomains.Xl;

namespace SmartDomains.Hosts;

/// <summary>One open connection to a host: the transport, the host object, and command logging.</summary>
public sealed class HostConnection : IDisposable
{
    private readonly IHostTransport _transport;

    public HostConnection(XenHost host, IHostTransport transport)
    {
        Host = host;
        _transport = transport;
    }

    public static HostConnection Create(HostConnectionInfo info) =>
        new(new XenHost(info), TransportFactory.Create(info));

    public XenHost Host { get; }
    public string Name => Host.Name;
    public bool IsConnected => _transport.IsConnected;

    /// <summary>Called with each command line before it runs (never with a secret: command lines carry none).</summary>
    public Action<string>? CommandLog { get; set; }

    /// <summary>Called with every command's result (for -LogPath); from worker threads.</summary>
    public Action<CommandResult>? CommandCompleted { get; set; }

    public void Connect(CancellationToken cancellationToken) => ConnectAsync(cancellationToken).GetAwaiter().GetResult();

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        Host.Connected = true;
        if (_transport.HostKeyFingerprint is { } fingerprint) Host.HostKeyFingerprint = fingerprint;
    }

    /// <summary>Runs a command and returns its result whatever the exit code. Connection failures throw.</summary>
    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        CommandLog?.Invoke($"[{Name}] {command.Display}");
        try
        {
            var result = await _transport.RunAsync(command, cancellationToken).ConfigureAwait(false);
            CommandCompleted?.Invoke(result);
            Host.Connected = true;
            if (_transport.HostKeyFingerprint is { } fingerprint) Host.HostKeyFingerprint = fingerprint;
            return result;
        }
        catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostUnreachable)
        {
            Host.Connected = false;
            throw;
        }
    }

    /// <summary>Runs a command whose standard output is copied into <paramref name="stdout"/> as it arrives (see IHostTransport).</summary>
    public async Task<CommandResult> RunStreamingAsync(RemoteCommand command, Stream stdout, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        CommandLog?.Invoke($"[{Name}] {command.Display} > (a stream)");
        try
        {
            var result = await _transport.RunStreamingAsync(command, stdout, progress, cancellationToken).ConfigureAwait(false);
            CommandCompleted?.Invoke(result);
            return result;
        }
        catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostUnreachable)
        {
            Host.Connected = false;
            throw;
        }
    }

    /// <summary>Runs an xl command and throws XlCommandFailed, with xl's own message, on a non-zero exit.</summary>
    public async Task<CommandResult> RunXlAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await RunAsync(RemoteCommand.Xl(arguments), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw XlFailure.From(result, RemoteCommand.Xl(arguments));
        return result;
    }

    public Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyList<Transport.SparseFile.Extent>? ranges = null)
    {
        CommandLog?.Invoke($"[{Name}] sftp put {RemoteCommand.Quote(localPath)} {RemoteCommand.Quote(remotePath)}");
        return _transport.UploadAsync(localPath, remotePath, progress, cancellationToken, ranges);
    }

    public Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        CommandLog?.Invoke($"[{Name}] sftp get {RemoteCommand.Quote(remotePath)} {RemoteCommand.Quote(localPath)}");
        return _transport.DownloadAsync(remotePath, localPath, progress, cancellationToken);
    }

    public void Dispose()
    {
        Host.Connected = false;
        _transport.Dispose();
    }
}
