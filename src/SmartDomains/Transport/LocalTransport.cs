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

    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
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
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await WriteInputAsync(process, command.StandardInput, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_info.CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (cancellationToken.IsCancellationRequested) throw;
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.OperationTimeout, _info.Name,
                $"'{command.Display}' on {_info.Name} did not finish within {_info.CommandTimeout.TotalSeconds:0} s.");
        }
        return new CommandResult
        {
            Host = _info.Name,
            CommandLine = command.Display,
            ExitCode = process.ExitCode,
            StdOut = await stdout.ConfigureAwait(false),
            StdErr = await stderr.ConfigureAwait(false),
            Duration = watch.Elapsed,
        };
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

    public async Task UploadAsync(string localPath, string remotePath, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var target = new FileStream(remotePath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await SparseFile.CopyAsync(localPath, target, progress, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() { }
}
