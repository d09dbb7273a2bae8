using System.Diagnostics;
using SmartDomains.Transport;
using Xunit;

namespace SmartDomains.Tests.Transport;

public sealed class ChildProcessTests
{
    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }

    [Fact]
    public async Task Input_output_errors_and_the_exit_code_come_back()
    {
        if (OperatingSystem.IsWindows()) return;
        var outcome = await ChildProcess.RunAsync(Shell("cat; echo oops >&2; exit 3"), "in\n"u8.ToArray(), null, null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal((3, "in\n", "oops\n"), (outcome.ExitCode, outcome.StdOut, outcome.StdErr));
    }

    [Fact]
    public async Task A_grandchild_that_keeps_stderr_open_does_not_hold_the_result()
    {
        // A backgrounded ssh master's ProxyJump hop does this: the process has ended, its stderr has not.
        if (OperatingSystem.IsWindows()) return;
        var run = ChildProcess.RunAsync(Shell("echo said >&2; sleep 20 >/dev/null 2>&2 & echo done"), null, null, null, TimeSpan.FromMinutes(1), CancellationToken.None);
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("done\n", outcome.StdOut);
        Assert.Equal("said\n", outcome.StdErr);
    }

    [Fact]
    public async Task A_timeout_kills_the_process_and_everything_it_started()
    {
        if (OperatingSystem.IsWindows()) return;
        var marker = Path.Combine(Path.GetTempPath(), $"sd-child-{Guid.NewGuid():N}");
        await Assert.ThrowsAsync<TimeoutException>(() =>
            ChildProcess.RunAsync(Shell($"sh -c 'echo $$ > {marker}; exec sleep 60' & wait"), null, null, null, TimeSpan.FromMilliseconds(500), CancellationToken.None));
        var pid = int.Parse(File.ReadAllText(marker).Trim());
        File.Delete(marker);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), "the grandchild was killed too");
    }

    [Fact]
    public async Task A_cancellation_is_a_cancellation_and_kills_the_process()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ChildProcess.RunAsync(Shell("exec sleep 60"), null, null, null, TimeSpan.FromMinutes(1), cancel.Token));
    }
}
