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

    /// <summary>
    /// Runs one command line and copies its standard output into <paramref name="stdout"/> as it arrives (progress counts
    /// the bytes copied), for output too big to hold in memory. The result's StdOut is empty; its exit code and StdErr are
    /// as <see cref="RunAsync"/> gives them. A connection lost midway throws <see cref="XenHostException"/> (HostUnreachable),
    /// and so does a stream that sends nothing for the command timeout (which counts from the last byte, not the start).
    /// </summary>
    Task<CommandResult> RunStreamingAsync(RemoteCommand command, Stream stdout, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a local file to a path on the host (SFTP over SSH), sparse, reporting bytes sent. The remote directory must exist.
    /// With <paramref name="ranges"/>, exactly those byte ranges are written into the new file (see SparseFile.Ranges).
    /// </summary>
    Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyList<SparseFile.Extent>? ranges = null);

    /// <summary>Copies a file on the host to a local path (SFTP over SSH), reporting bytes received.</summary>
    Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken);
}
