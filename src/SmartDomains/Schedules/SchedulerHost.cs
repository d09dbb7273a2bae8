using System.ComponentModel;
using System.Diagnostics;

namespace SmartDomains.Schedules;

/// <summary>What a scheduler program said.</summary>
public sealed record SchedulerOutcome(int ExitCode, string Stdout, string Stderr)
{
    public const int NotFound = 127;
    public bool Ok => ExitCode == 0;
}

/// <summary>Runs systemctl, crontab and schtasks; tests stand in for it to watch what would run.</summary>
public interface ISchedulerHost
{
    SchedulerOutcome Run(string program, IReadOnlyList<string> arguments, string? input = null);
}

/// <summary>The real programs, found on PATH, arguments passed as a list (no shell).</summary>
public sealed class ProcessSchedulerHost : ISchedulerHost
{
    public static readonly ProcessSchedulerHost Instance = new();

    public SchedulerOutcome Run(string program, IReadOnlyList<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info)!; }
        catch (Win32Exception) { return new SchedulerOutcome(SchedulerOutcome.NotFound, "", $"{program} was not found."); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (input is not null) process.StandardInput.Write(input);
            process.StandardInput.Close();
            // systemctl waits on a manager; one that hangs must not hang the cmdlet.
            if (!process.WaitForExit(60_000)) { process.Kill(true); return new SchedulerOutcome(124, "", $"{program} did not finish within 60 s."); }
            return new SchedulerOutcome(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
