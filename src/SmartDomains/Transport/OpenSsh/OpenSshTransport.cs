using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>
/// Runs commands on a dom0 with the system's ssh: one master connection per host (ControlMaster, its socket in a private
/// directory), every command and file transfer a client of it, so there is one handshake however many commands run, and
/// the operator's ssh config, agent, jump hosts, certificates and Kerberos work as in a terminal. BatchMode always: never
/// a prompt. Calls may overlap, as the master multiplexes its channels.
/// </summary>
public sealed class OpenSshTransport : IHostTransport
{
    private readonly HostConnectionInfo _info;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly object _gate = new();
    private ControlDirectory? _dir;
    private SshArguments? _args;
    private int? _masterPid;
    private string? _fingerprint;
    private bool _disposed;

    public OpenSshTransport(HostConnectionInfo info) => _info = info;

    public string HostName => _info.Name;
    public string? HostKeyFingerprint => _fingerprint;

    /// <summary>True while the master's socket is there and its process lives (checked without starting a process).</summary>
    public bool IsConnected => _dir is { } dir && _masterPid is { } pid && File.Exists(dir.Socket) && ProcessLives(pid);

    public void Connect(CancellationToken cancellationToken) => ConnectAsync(cancellationToken).GetAwaiter().GetResult();

    /// <summary>Starts the master unless one answers (ssh -O check). One connect at a time per host.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (await MasterAnswersAsync(cancellationToken).ConfigureAwait(false)) return;
            await HandshakeSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { await StartMasterAsync(cancellationToken).ConfigureAwait(false); }
            finally { HandshakeSlots.Release(); }
        }
        finally { _connectGate.Release(); }
    }

    /// <summary>Handshakes under way at once, across the process, as for SSH.NET: a key exchange costs CPU on both ends.</summary>
    private static readonly SemaphoreSlim HandshakeSlots = new(32, 32);

    private async Task StartMasterAsync(CancellationToken cancellationToken)
    {
        var (dir, args) = Workspace();
        File.Delete(dir.Socket);          // a socket left by a master that was killed would make ssh give up multiplexing
        File.Delete(dir.HostKeyRecord);
        try
        {
            ChildProcess.Outcome outcome;
            try
            {
                // ssh's ConnectTimeout bounds its own connect and handshake; ours also bounds a ProxyJump hop, which gets none.
                outcome = await ChildProcess.RunAsync(OpenSshClient.StartInfo(args.Master()), null, null, null,
                    _info.ConnectTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw ConnectFailures.Unreachable(_info, $"ssh did not connect within {_info.ConnectTimeout.TotalSeconds:0} s.");
            }
            _fingerprint = dir.ReadHostKey() ?? _fingerprint;
            if (outcome.ExitCode != 0) throw SshFailure.ToException(_info, outcome.StdErr, dir.ReadHostKey());
            if (!await MasterAnswersAsync(cancellationToken).ConfigureAwait(false))
                throw ConnectFailures.Unreachable(_info, "ssh logged in, but its master connection did not stay up. " + SshFailure.Clean(outcome.StdErr));
        }
        catch
        {
            // Nothing is left of a connect that failed: no directory waits for a disconnect that may never come.
            lock (_gate) (_dir, _args) = (null, null);
            Live.TryRemove(this, out _);
            dir.Dispose();
            throw;
        }
    }

    /// <summary>ssh -O check: true when the master answers, and its PID is then known.</summary>
    private async Task<bool> MasterAnswersAsync(CancellationToken cancellationToken)
    {
        if (_dir is not { } dir || !File.Exists(dir.Socket)) return false;
        var outcome = await ControlAsync("check", cancellationToken).ConfigureAwait(false);
        // "Master running (pid=1234)"
        var at = outcome.StdErr.IndexOf("pid=", StringComparison.Ordinal);
        if (outcome.ExitCode != 0 || at < 0) return false;
        var digits = new string(outcome.StdErr[(at + 4)..].TakeWhile(char.IsAsciiDigit).ToArray());
        _masterPid = int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        return _masterPid is not null;
    }

    private Task<ChildProcess.Outcome> ControlAsync(string operation, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(OpenSshClient.StartInfo(Workspace().Args.Control(operation)), null, null, null, ControlTimeout, cancellationToken);

    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(10);

    private (ControlDirectory Dir, SshArguments Args) Workspace()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_dir is null)
            {
                _dir = ControlDirectory.Create();
                Live.TryAdd(this, 0);
            }
            _args ??= new SshArguments(_info, _dir);
            return (_dir, _args);
        }
    }

    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        // A master that died (sshd restarted, the link dropped) is started again once, and the command run again.
        for (var attempt = 0; ; attempt++)
        {
            if (!IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            var outcome = await RunClientAsync(command, null, null, cancellationToken).ConfigureAwait(false);
            if (outcome.ExitCode != ClientFailed || await MasterAnswersAsync(cancellationToken).ConfigureAwait(false))
                return Result(command, outcome, watch.Elapsed);
            if (attempt > 0) throw Lost(command, outcome.StdErr, watch.Elapsed);
        }
    }

    /// <summary>
    /// Runs a command with its stdout copied into <paramref name="stdout"/> as it arrives. Never run again: bytes may already
    /// be in the caller's stream. A master lost midway is HostUnreachable naming the host and the command.
    /// </summary>
    public async Task<CommandResult> RunStreamingAsync(RemoteCommand command, Stream stdout, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (!IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var outcome = await RunClientAsync(command, stdout, progress, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode == ClientFailed && !await MasterAnswersAsync(cancellationToken).ConfigureAwait(false))
            throw Lost(command, outcome.StdErr, watch.Elapsed);
        return Result(command, outcome, watch.Elapsed);   // StdOut is empty: it went to the stream
    }

    // ssh's own failures exit 255; so may a command, which the master's answer to -O check tells apart.
    private const int ClientFailed = 255;

    private async Task<ChildProcess.Outcome> RunClientAsync(RemoteCommand command, Stream? sink, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var input = command.StandardInput is null ? null : new System.Text.UTF8Encoding(false).GetBytes(command.StandardInput);
        try
        {
            return await WhileChannelRefusedAsync(
                () => ChildProcess.RunAsync(OpenSshClient.StartInfo(Workspace().Args.Command(command.CommandLine)), input, sink, progress,
                    _info.CommandTimeout, cancellationToken),
                outcome => outcome.ExitCode == ClientFailed && SshFailure.IsChannelRefused(outcome.StdErr), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw ConnectFailures.CommandTimedOut(_info, command, streaming: sink is not null);
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> again, after a growing pause, while sshd refuses the master another channel (all of
    /// its MaxSessions are in use): nothing ran, so the request waits for a channel as it would for a slot, up to the
    /// command timeout.
    /// </summary>
    private async Task<T> WhileChannelRefusedAsync<T>(Func<Task<T>> attempt, Func<T, bool> refused, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var pause = TimeSpan.FromMilliseconds(20); ; pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.TicksPerSecond)))
        {
            var result = await attempt().ConfigureAwait(false);
            if (!refused(result) || watch.Elapsed + pause > _info.CommandTimeout) return result;
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
    }

    private CommandResult Result(RemoteCommand command, ChildProcess.Outcome outcome, TimeSpan duration) => new()
    {
        Host = _info.Name,
        CommandLine = command.Display,
        ExitCode = outcome.ExitCode,
        StdOut = outcome.StdOut,
        StdErr = outcome.StdErr,
        Duration = duration,
    };

    private XenHostException Lost(RemoteCommand command, string stderr, TimeSpan after) =>
        new(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, _info.Name,
            $"The connection to {_info.Name} was lost during '{command.Display}' after {after.TotalSeconds:0.0} s: {SshFailure.Clean(stderr)}")
        { RecommendedAction = "Check that sshd runs on the host, then run again: what was done is journaled." };

    /// <summary>Sends a file over sftp on the master, sparse: progress counts the data bytes sent.</summary>
    public Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyList<SparseFile.Extent>? ranges = null) =>
        TransferAsync(session => SftpTransfer.UploadAsync(session, localPath, remotePath, progress, ranges, cancellationToken),
            XenErrorIds.UploadFailed, XenErrorCategory.WriteError, $"Uploading {localPath} to {_info.Name}:{remotePath}", cancellationToken);

    public Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken) =>
        TransferAsync(session => SftpTransfer.DownloadAsync(session, remotePath, localPath, progress, cancellationToken),
            XenErrorIds.DownloadFailed, XenErrorCategory.ReadError, $"Downloading {_info.Name}:{remotePath} to {localPath}", cancellationToken);

    private async Task TransferAsync(Func<SftpSession, Task> copy, string errorId, XenErrorCategory category, string what, CancellationToken cancellationToken)
    {
        if (!IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        SftpSession? session = null;
        try
        {
            session = await WhileChannelRefusedAsync(() => StartSftpAsync(cancellationToken), s => s is null, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("sshd refused the master another channel for sftp until the command timeout (MaxSessions).");
            await copy(session).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            session?.Kill();
            if (e is not SftpStatusException && !await MasterAnswersAsync(CancellationToken.None).ConfigureAwait(false))
                throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, _info.Name,
                    $"{what} was cut off after {watch.Elapsed.TotalSeconds:0.0} s: the connection was lost. {SshFailure.Clean(session?.StdErr ?? "")}".TrimEnd(), e);
            throw new XenHostException(errorId, category, _info.Name, $"{what} failed: {e.Message}", e);
        }
        catch
        {
            session?.Kill();   // cancelled: no ssh is left behind
            throw;
        }
        finally
        {
            if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An sftp session, or null when sshd refused the channel (see <see cref="WhileChannelRefusedAsync"/>).</summary>
    private async Task<SftpSession?> StartSftpAsync(CancellationToken cancellationToken)
    {
        try { return await SftpSession.StartAsync(OpenSshClient.StartInfo(Workspace().Args.Subsystem("sftp")), cancellationToken).ConfigureAwait(false); }
        catch (IOException e) when (SshFailure.IsChannelRefused(e.Message)) { return null; }
    }

    private static bool ProcessLives(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // An exited master waits as a zombie until PID 1 reaps it, which can take seconds here: that one is gone too.
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat.Length > stat.LastIndexOf(')') + 2 && stat[stat.LastIndexOf(')') + 2] != 'Z';
            }
            catch (IOException) { return false; }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Ends the master (ssh -O exit, then its process, should it linger) and removes the control directory.</summary>
    public void Dispose()
    {
        ControlDirectory? dir;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            dir = _dir;
        }
        Live.TryRemove(this, out _);
        if (dir is null) return;
        if (File.Exists(dir.Socket))
        {
            try
            {
                ChildProcess.RunAsync(OpenSshClient.StartInfo(_args!.Control("exit")), null, null, null, ControlTimeout, CancellationToken.None)
                    .GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is TimeoutException or XenHostException or IOException) { /* the kill below settles it */ }
        }
        if (_masterPid is { } pid) KillMaster(pid);
        dir.Dispose();
        _connectGate.Dispose();
    }

    private static void KillMaster(int pid)
    {
        // The master is no child of ours (it backgrounded itself), so there is no waiting on it: look until it is gone.
        for (var i = 0; i < 100 && ProcessLives(pid); i++) Thread.Sleep(10);
        if (!ProcessLives(pid)) return;
        try
        {
            using var master = Process.GetProcessById(pid);
            // Only a process that is ssh: the PID is not ours once the master exited.
            if (master.ProcessName == "ssh") ChildProcess.Kill(master);
        }
        catch (ArgumentException) { /* gone */ }
        catch (InvalidOperationException) { /* gone */ }
    }

    // Masters this process started: a session that ends without disconnecting (pwsh exits) still ends them.
    private static readonly ConcurrentDictionary<OpenSshTransport, byte> Live = new();

    static OpenSshTransport() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var transport in Live.Keys) transport.Dispose();
    };
}
