using SmartDomains.Remote;

namespace SmartDomains.Transport;

/// <summary>A way to run commands on a dom0: SSH, or the machine itself.</summary>
public interface IHostTransport : IDisposable
{
    /// <summary>The host name used in results and errors.</summary>
    string HostName { get; }

    /// <summary>True while the transport believes it can run a command without reconnecting.</summary>
    bool IsConnected { get; }

    /// <summary>The SHA256 fingerprint of the key the host presented on the last connect; null where there is no host key.</summary>
    string? HostKeyFingerprint { get; }

    /// <summary>Opens (or reopens) the connection. Throws <see cref="XenHostException"/> on failure.</summary>
    void Connect(CancellationToken cancellationToken);

    /// <summary>Opens (or reopens) the connection without blocking a thread.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Runs one command line and returns its result, whatever its exit code.</summary>
    Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken);

    /// <summary>Copies a local file to a path on the host (SFTP over SSH), reporting bytes sent. The remote directory must exist.</summary>
    Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>Copies a file on the host to a local path (SFTP over SSH), reporting bytes received.</summary>
    Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken);
}
