using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Transport;

/// <summary>Runs commands on this machine through /bin/sh: pwsh on dom0 itself, or an emulated host.</summary>
public sealed class LocalTransport : IHostTransport
{
    private readonly HostConnectionInfo _info;

    public LocalTransport(HostConnectionInfo info) => _info = info;

    public string HostName => _info.Name;
    public bool IsConnected => true;
    public string? HostKeyFingerprint => null;

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        Connect(cancellationToken);
        return Task.CompletedTask;
    }

    public void Connect(CancellationToken cancellationToken)
    {
        if (!File.Exists("/bin/sh"))
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ResourceUnavailable, _info.Name,
                "Local hosts need a POSIX shell at /bin/sh.");
    }

    public Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
        RunProcessAsync(command, null, null, cancellationToken);

    public Task<CommandResult> RunStreamingAsync(RemoteCommand command, Stream stdout, IProgress<long>? progress, CancellationToken cancellationToken) =>
        RunProcessAsync(command, stdout ?? throw new ArgumentNullException(nameof(stdout)), progress, cancellationToken);

    /// <summary>Runs the command under /bin/sh; its stdout is returned as text, or copied into <paramref name="sink"/>.</summary>
    private async Task<CommandResult> RunProcessAsync(RemoteCommand command, Stream? sink, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command.CommandLine);
        foreach (var (key, value) in _info.Environment) psi.Environment[key] = value;
        var input = command.StandardInput is null ? null : new System.Text.UTF8Encoding(false).GetBytes(command.StandardInput);
        try
        {
            var outcome = await ChildProcess.RunAsync(psi, input, sink, progress, _info.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return new CommandResult
            {
                Host = _info.Name,
                CommandLine = command.Display,
                ExitCode = outcome.ExitCode,
                StdOut = outcome.StdOut,
                StdErr = outcome.StdErr,
                Duration = watch.Elapsed,
            };
        }
        catch (TimeoutException)
        {
            throw ConnectFailures.CommandTimedOut(_info, command, streaming: sink is not null);
        }
    }

    public Task DownloadAsync(string remotePath, string localPath, IProgress<long>? progress, CancellationToken cancellationToken) =>
        UploadAsync(remotePath, localPath, progress, cancellationToken);   // on this machine both are a copy

    public async Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyList<SparseFile.Extent>? ranges = null)
    {
        await using var target = new FileStream(remotePath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await SparseFile.CopyAsync(localPath, target, ranges, progress, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() { }
}
