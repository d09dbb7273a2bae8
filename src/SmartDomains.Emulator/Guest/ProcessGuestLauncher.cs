using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SmartDomains.Emulator.Guest;

/// <summary>
/// Runs each guest as a detached process (setsid, stdio on /dev/null) so it never holds the caller's
/// stdout/stderr open: an SSH session running `xl create` must not hang waiting for it.
/// </summary>
public sealed class ProcessGuestLauncher : IGuestLauncher
{
    private readonly string _stateDir;
    public ProcessGuestLauncher(string stateDir) => _stateDir = stateDir;

    public int? Start(int domid)
    {
        string cmd = $"setsid {GuestProgram()} __guest {Q(_stateDir)} {domid} </dev/null >/dev/null 2>&1 & echo $!";
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(cmd);
        using var p = Process.Start(psi)!;
        string pid = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return int.TryParse(pid, out var v) ? v : null;
    }

    /// <summary>The native xl itself (NativeAOT has no dll and no JIT), else dotnet with xl.dll.</summary>
    private static string GuestProgram()
    {
        if (!RuntimeFeature.IsDynamicCodeSupported && Environment.ProcessPath is { } native) return Q(native);
        string dotnet = Environment.ProcessPath ?? "dotnet";
        if (!Path.GetFileName(dotnet).StartsWith("dotnet")) dotnet = "dotnet";
        return $"{Q(dotnet)} {Q(Path.Combine(AppContext.BaseDirectory, "xl.dll"))}";
    }

    public void Stop(int? pid)
    {
        if (pid is not { } id || !IsGuest(id)) return;
        try { Process.GetProcessById(id).Kill(); } catch (Exception) { /* already gone */ }
    }

    /// <summary>Only kill a pid that is still one of our guests (pids get reused).</summary>
    private static bool IsGuest(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains("__guest"); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static string Q(string s) => SmartDomains.Remote.RemoteCommand.Quote(s);
}
