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

        using var process = Process.Start(psi)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_info.CommandTimeout);
        var stdout = sink is null
            ? process.StandardOutput.ReadToEndAsync(timeout.Token)
            : CopyAsync(process.StandardOutput.BaseStream, sink, OutputCopy.RestartingTimer(timeout, _info.CommandTimeout, progress), timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await WriteInputAsync(process, command.StandardInput, cancellationToken).ConfigureAwait(false);
        string output;
        try
        {
            // The end of stdout first: a sink that fails (a full disk) must stop the command, not wait for it.
            output = await stdout.ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested) throw;
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.OperationTimeout, _info.Name, sink is null
                ? $"'{command.Display}' on {_info.Name} did not finish within {_info.CommandTimeout.TotalSeconds:0} s."
                : $"'{command.Display}' on {_info.Name} sent nothing for {_info.CommandTimeout.TotalSeconds:0} s.");
        }
        return new CommandResult
        {
            Host = _info.Name,
            CommandLine = command.Display,
            ExitCode = process.ExitCode,
            StdOut = output,
            StdErr = await stderr.ConfigureAwait(false),
            Duration = watch.Elapsed,
        };
    }

    private static async Task<string> CopyAsync(Stream source, Stream sink, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await OutputCopy.CopyAsync(source, sink, progress, cancellationToken).ConfigureAwait(false);
        return "";
    }

    /// <summary>Sends the command's standard input (if any) and closes it; a command that exits early is not an error here.</summary>
    private static async Task WriteInputAsync(Process process, string? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null)
            {
                var bytes = new System.Text.UTF8Encoding(false).GetBytes(input);
                await process.StandardInput.BaseStream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            process.StandardInput.Close();
        }
        catch (IOException) { /* the command closed its input early: its exit code tells */ }
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
