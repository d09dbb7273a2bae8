using System.Diagnostics;
using System.Text;

namespace SmartDomains.Transport;

/// <summary>
/// One child process run to its end, shared by the transports that start programs (a local shell, the OpenSSH client):
/// standard input written and closed, stdout returned as text or copied into a sink, stderr as text, and the process
/// killed with its children on a timeout or a cancellation, so none outlives the call.
/// </summary>
public static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string StdOut, string StdErr);

    /// <summary>
    /// Runs <paramref name="start"/> (all three streams redirected). <paramref name="timeout"/> bounds the whole run, or, with
    /// a <paramref name="sink"/>, the wait for the next byte of output. Throws <see cref="TimeoutException"/> when it struck.
    /// </summary>
    public static async Task<Outcome> RunAsync(ProcessStartInfo start, byte[]? input, Stream? sink, IProgress<long>? progress,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = sink is null
            ? process.StandardOutput.ReadToEndAsync(deadline.Token)
            : CopyAsync(process.StandardOutput.BaseStream, sink, OutputCopy.RestartingTimer(deadline, timeout, progress), deadline.Token);
        var stderr = new StringBuilder();
        var stderrRead = ReadAllAsync(process.StandardError, stderr);
        string output;
        try
        {
            await WriteInputAsync(process, input, deadline.Token).ConfigureAwait(false);
            // The end of stdout first: a sink that fails (a full disk) must stop the process, not wait for it.
            output = await stdout.ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Kill(process);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested) throw new TimeoutException("The process did not finish in time.", e);
            throw;
        }
        // A grandchild may hold stderr open after the process ended (the ProxyJump hop of a backgrounded ssh master does):
        // what it wrote by then is the process's message.
        await Task.WhenAny(stderrRead, Task.Delay(StderrGrace, CancellationToken.None)).ConfigureAwait(false);
        lock (stderr) return new Outcome(process.ExitCode, output, stderr.ToString());
    }

    private static readonly TimeSpan StderrGrace = TimeSpan.FromMilliseconds(300);

    private static async Task ReadAllAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                lock (into) into.Append(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { /* the process is gone, and its pipe with it */ }
    }

    /// <summary>Kills a process and everything it started, and waits briefly for it to be gone.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(2000);
        }
        catch (InvalidOperationException) { /* it has already exited */ }
    }

    private static async Task<string> CopyAsync(Stream source, Stream sink, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await OutputCopy.CopyAsync(source, sink, progress, cancellationToken).ConfigureAwait(false);
        return "";
    }

    /// <summary>Sends the standard input (if any) and closes it; a process that exits early is not an error here.</summary>
    private static async Task WriteInputAsync(Process process, byte[]? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException) { /* the process closed its input early: its exit code tells */ }
    }
}
