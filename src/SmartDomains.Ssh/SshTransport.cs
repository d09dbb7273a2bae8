using System.Diagnostics;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.Transport;

namespace SmartDomains.Ssh;

/// <summary>Runs commands on a dom0 over one SSH connection (SSH.NET). Channels are multiplexed, so calls may overlap.</summary>
public sealed class SshTransport : IHostTransport
{
    private readonly HostConnectionInfo _info;
    private readonly object _gate = new();
    private SshClient? _client;
    private SftpClient? _sftp;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private HostKeyVerdict? _lastVerdict;
    private string? _presentedFingerprint;

    public SshTransport(HostConnectionInfo info) => _info = info;

    public string HostName => _info.Name;
    public bool IsConnected => _client?.IsConnected == true;
    /// <summary>The fingerprint of the key the host presented on the last connect.</summary>
    public string? HostKeyFingerprint => _presentedFingerprint;

    public void Connect(CancellationToken cancellationToken) => ConnectAsync(cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Connects without holding a thread while the network answers, so connecting to many hosts at once does not starve the
    /// thread pool. One connect at a time per host.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The connect timeout counts from here, so a handshake waiting its turn is not timed out for the others' work.
            await HandshakeSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _connectGate.Release();
            throw;
        }
        try
        {
            if (IsConnected) return;
            lock (_gate) DisposeClient();
            var client = new SshClient(BuildConnectionInfo());
            client.HostKeyReceived += OnHostKeyReceived;
            client.KeepAliveInterval = TimeSpan.FromSeconds(15);
            _lastVerdict = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_info.ConnectTimeout);
                try { await client.ConnectAsync(timeout.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SshOperationTimeoutException("Connection timed out.");
                }
                lock (_gate) _client = client;
            }
            catch (Exception ex) when (ex is not XenHostException && ex is not OperationCanceledException)
            {
                client.Dispose();
                throw MapConnectFailure(ex);
            }
        }
        finally
        {
            HandshakeSlots.Release();
            _connectGate.Release();
        }
    }

    /// <summary>
    /// Handshakes under way at once, across the process. A key exchange costs CPU on both ends: 128 at once on two cores
    /// took 9 s each, near the 10 s connect timeout, where 32 at a time take well under a second each for the same total.
    /// </summary>
    private static readonly SemaphoreSlim HandshakeSlots = new(32, 32);

    private ConnectionInfo BuildConnectionInfo()
    {
        var methods = new List<AuthenticationMethod>();
        if (_info.KeyFile is not null)
        {
            if (!File.Exists(_info.KeyFile))
                throw new XenHostException(XenErrorIds.AuthenticationFailed, XenErrorCategory.AuthenticationError, _info.Name,
                    $"The key file '{_info.KeyFile}' for host {_info.Name} does not exist.");
            methods.Add(new PrivateKeyAuthenticationMethod(_info.User, new PrivateKeyFile(_info.KeyFile)));
        }
        if (_info.Credential is { } cred)
            methods.Add(new PasswordAuthenticationMethod(_info.User, cred.Password));
        if (methods.Count == 0)
            throw new XenHostException(XenErrorIds.AuthenticationFailed, XenErrorCategory.AuthenticationError, _info.Name,
                $"No key file or credential was given for host {_info.Name}, and no default key (~/.ssh/id_ed25519, id_ecdsa, id_rsa) exists.")
            { RecommendedAction = "Pass -KeyFile or -Credential to Connect-XenHost." };
        var info = new ConnectionInfo(_info.ComputerName, _info.Port, _info.User, methods.ToArray())
        {
            Timeout = _info.ConnectTimeout,
        };
        PreferAesGcm(info);
        return info;
    }

    /// <summary>
    /// aes128-gcm first: SSH.NET runs it on .NET's AesGcm (AES-NI, no separate HMAC), where aes128-ctr + hmac-sha2-256, its
    /// default, costs the controller more CPU per byte received: a saved image's stream is the bulk of that. A server without it
    /// negotiates the next cipher in the default order.
    /// </summary>
    private static void PreferAesGcm(ConnectionInfo info)
    {
        const string Gcm = "aes128-gcm@openssh.com";
        if (!info.Encryptions.TryGetValue(Gcm, out var gcm)) return;
        var rest = info.Encryptions.Where(e => e.Key != Gcm).ToList();
        info.Encryptions.Clear();
        info.Encryptions.Add(Gcm, gcm);
        foreach (var (name, cipher) in rest) info.Encryptions.Add(name, cipher);
    }

    private void OnHostKeyReceived(object? sender, HostKeyEventArgs e)
    {
        var verifier = new HostKeyVerifier(_info.HostKeyPolicy, new KnownHostsFile(_info.KnownHostsFile));
        _presentedFingerprint = e.FingerPrintSHA256;
        _lastVerdict = verifier.Verify(_info.ComputerName, _info.Port, e.HostKeyName, e.HostKey);
        e.CanTrust = _lastVerdict is HostKeyVerdict.Trusted or HostKeyVerdict.TrustedAndRecorded;
    }

    private XenHostException MapConnectFailure(Exception ex) => _lastVerdict switch
    {
        HostKeyVerdict.Unknown => ConnectFailures.KeyUnknown(_info, _presentedFingerprint, _info.KnownHostsFile, inner: ex),
        HostKeyVerdict.Mismatch => ConnectFailures.KeyChanged(_info, _presentedFingerprint, _info.KnownHostsFile, inner: ex),
        HostKeyVerdict.PinMismatch => ConnectFailures.PinMismatch(_info, _presentedFingerprint, inner: ex),
        _ => ex switch
        {
            SshAuthenticationException => ConnectFailures.AuthenticationFailed(_info, ex.Message, ex),
            _ => ConnectFailures.Unreachable(_info, ex.Message, ex),
        },
    };

    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        // A dropped connection (sshd restarted) is reopened once, before anything ran.
        for (var attempt = 0; ; attempt++)
        {
            if (!IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var client = _client!;
            try
            {
                return await ExecuteAsync(client, command, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDeadConnection(ex, client))
            {
                lock (_gate) { if (ReferenceEquals(_client, client)) DisposeClient(); }
                // Dropped again right after the reconnect (sshd going down as we came back): the host is unreachable.
                if (attempt > 0)
                    throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, _info.Name,
                        $"The connection to {_info.Name} was lost during '{command.Display}': {ex.Message}", ex)
                    { RecommendedAction = "Check that sshd runs on the host, then run again: what was done is journaled." };
            }
        }
    }

    // SSH.NET may throw SshConnectionException before IsConnected turns false.
    private static bool IsDeadConnection(Exception ex, SshClient client) =>
        ex is SshConnectionException || (!client.IsConnected && ex is ObjectDisposedException or SocketException or InvalidOperationException);

    private async Task<CommandResult> ExecuteAsync(SshClient client, RemoteCommand command, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var cmd = client.CreateCommand(command.CommandLine);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_info.CommandTimeout);
        try
        {
            var run = cmd.ExecuteAsync(timeout.Token);
            if (command.StandardInput is not null)
            {
                // Disposing the stream sends EOF, so the command sees the end of its input.
                await using (var input = cmd.CreateInputStream())
                    await input.WriteAsync(new System.Text.UTF8Encoding(false).GetBytes(command.StandardInput), timeout.Token).ConfigureAwait(false);
            }
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectFailures.CommandTimedOut(_info, command, streaming: false);
        }
        return new CommandResult
        {
            Host = _info.Name,
            CommandLine = command.Display,
            ExitCode = cmd.ExitStatus ?? -1,
            StdOut = cmd.Result,
            StdErr = cmd.Error,
            Duration = watch.Elapsed,
        };
    }

    /// <summary>
    /// Runs a command with its stdout copied into <paramref name="stdout"/> as the channel delivers it. Never retried: bytes
    /// may already be in the caller's stream. A connection lost midway is HostUnreachable naming the host and the command;
    /// the command timeout counts from the last byte that arrived.
    /// </summary>
    public async Task<CommandResult> RunStreamingAsync(RemoteCommand command, Stream stdout, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (!IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var client = _client!;
        var watch = Stopwatch.StartNew();
        var cmd = client.CreateCommand(command.CommandLine);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(_info.CommandTimeout);
        Task<long>? copy = null;
        try
        {
            var run = cmd.ExecuteAsync(stop.Token);
            copy = OutputCopy.CopyOnOwnThreadAsync(cmd.OutputStream, stdout, OutputCopy.RestartingTimer(stop, _info.CommandTimeout, progress), stop.Token);
            if (command.StandardInput is not null)
            {
                await using var input = cmd.CreateInputStream();
                await input.WriteAsync(new System.Text.UTF8Encoding(false).GetBytes(command.StandardInput), stop.Token).ConfigureAwait(false);
            }
            // A sink that fails (a full disk) ends the wait at once; otherwise the command's end, then the rest of its output.
            if (await Task.WhenAny(run, copy).ConfigureAwait(false) == copy) await copy.ConfigureAwait(false);
            await run.ConfigureAwait(false);
            await copy.ConfigureAwait(false);
            copy = null;
            return new CommandResult
            {
                Host = _info.Name,
                CommandLine = command.Display,
                ExitCode = cmd.ExitStatus ?? -1,
                StdErr = cmd.Error + (cmd.ExitSignal is { } signal ? $"{Environment.NewLine}(ended by signal {signal})" : ""),
                Duration = watch.Elapsed,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectFailures.CommandTimedOut(_info, command, streaming: true);
        }
        catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException || ex is InvalidOperationException && !client.IsConnected)
        {
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, _info.Name,
                $"'{command.Display}' on {_info.Name} was cut off after {watch.Elapsed.TotalSeconds:0.0} s: {ex.Message}", ex);
        }
        finally
        {
            await StopStreamingAsync(cmd, stop, copy).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a stream's channel; after a failure, waits briefly so no copy still writes into the caller's stream.</summary>
    private static async Task StopStreamingAsync(SshCommand cmd, CancellationTokenSource stop, Task<long>? copy)
    {
        if (copy is not null) stop.Cancel();
        try { cmd.Dispose(); } catch (Exception) { /* the channel is already gone */ }
        if (copy is not null)
        {
            try { await copy.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (Exception) { /* the failure that matters is the one being thrown */ }
        }
    }

    /// <summary>Sends a file over SFTP, sparse: progress counts the data bytes sent.</summary>
    public async Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyList<SparseFile.Extent>? ranges = null)
    {
        var sftp = OpenSftp(cancellationToken);
        try
        {
            // Only the data extents travel; sftp-server writes them with pwrite, so the holes stay holes on the host. Several
            // handles write at once: one SftpFileStream waits for each write's answer.
            await using var target = await sftp.OpenAsync(remotePath, FileMode.Create, FileAccess.Write, cancellationToken).ConfigureAwait(false);
            await SparseFile.CopyAsync(localPath, target,
                async ct => await sftp.OpenAsync(remotePath, FileMode.Open, FileAccess.Write, ct).ConfigureAwait(false),
                UploadWriters, progress, cancellationToken, ranges).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Renci.SshNet.Common.SftpPathNotFoundException or Renci.SshNet.Common.SftpPermissionDeniedException or Renci.SshNet.Common.SshException)
        {
            throw new XenHostException(XenErrorIds.UploadFailed, XenErrorCategory.WriteError, _info.Name,
                $"Uploading {localPath} to {_info.Name}:{remotePath} failed: {ex.Message}", ex);
        }
    }

    // Writers on one upload: enough to fill a LAN link at OpenSSH's 32 KiB packets.
    private const int UploadWriters = 8;

    public async Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var sftp = OpenSftp(cancellationToken);
        await using var target = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        try
        {
            await sftp.DownloadFileAsync(remotePath, target,
                progress is null ? null : new Progress<DownloadFileProgressReport>(r => progress.Report((long)r.TotalBytesDownloaded)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Renci.SshNet.Common.SftpPathNotFoundException or Renci.SshNet.Common.SftpPermissionDeniedException or Renci.SshNet.Common.SshException)
        {
            throw new XenHostException(XenErrorIds.DownloadFailed, XenErrorCategory.ReadError, _info.Name,
                $"Downloading {_info.Name}:{remotePath} to {localPath} failed: {ex.Message}", ex);
        }
    }

    /// <summary>SFTP runs on its own SSH session, opened on first use with the same credentials and host-key policy.</summary>
    private SftpClient OpenSftp(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sftp?.IsConnected == true) return _sftp;
            _sftp?.Dispose();
            var sftp = new SftpClient(BuildConnectionInfo());
            sftp.HostKeyReceived += OnHostKeyReceived;
            try { sftp.ConnectAsync(cancellationToken).GetAwaiter().GetResult(); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                sftp.Dispose();
                throw MapConnectFailure(ex);
            }
            return _sftp = sftp;
        }
    }

    private void DisposeClient()
    {
        if (_sftp is not null)
        {
            _sftp.HostKeyReceived -= OnHostKeyReceived;
            try { _sftp.Dispose(); } catch (Exception) { }
            _sftp = null;
        }
        if (_client is null) return;
        _client.HostKeyReceived -= OnHostKeyReceived;
        try { _client.Dispose(); } catch (Exception) { /* already broken */ }
        _client = null;
    }

    public void Dispose()
    {
        lock (_gate) DisposeClient();
    }
}
