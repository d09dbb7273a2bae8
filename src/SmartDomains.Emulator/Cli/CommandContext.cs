using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Cli;

/// <summary>Everything a command needs: streams, the state directory, settings and the state store.</summary>
public sealed class CommandContext
{
    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public string StateDir { get; }
    public EmulatorSettings Settings { get; }
    public StateStore Store { get; }
    /// <summary>Starts stand-in guests; replaceable so in-process tests can choose.</summary>
    public Guest.IGuestLauncher Guests { get; set; }

    public CommandContext(TextWriter @out, TextWriter err, string stateDir)
    {
        Out = @out; Err = err; StateDir = stateDir;
        Settings = EmulatorSettings.Load(stateDir);
        Store = new StateStore(stateDir);
        Guests = new Guest.ProcessGuestLauncher(stateDir);
    }

    public void Sleep(int ms) { if (ms > 0) Thread.Sleep(ms); }

    /// <summary>
    /// xl's per-host lock (its lockfile, /var/lock/xl: xl_vmcontrol.c create_domain), held from freeing memory to the end
    /// of the domain build, so creates and restores on one host run one at a time. Real xl waits for it without limit.
    /// </summary>
    public IDisposable HoldXlLock() => LockFile.Acquire(Path.Combine(StateDir, "xl.lock"), timeoutSeconds: 24 * 3600);

    /// <summary>The "hang" fault: sleep before acting, outside any lock.</summary>
    public void MaybeHang(string command)
    {
        if (Settings.Faults.Hang.TryGetValue(command, out var s) && s > 0) Thread.Sleep(TimeSpan.FromSeconds(s));
    }

    /// <summary>libxl's error line: "libxl: error: FILE:LINE:FUNC: Domain N:MSG".</summary>
    public void LibxlError(string where, int domid, string msg) =>
        Err.Write($"libxl: error: {where}: Domain {domid}:{msg}\n");

    /// <summary>xl's find_domain: digits are a domid (unchecked); names must exist.</summary>
    public int FindDomain(string arg)
    {
        if (arg.Length > 0 && arg.All(char.IsAsciiDigit) && int.TryParse(arg, out int domid)) return domid;
        if (arg == "Domain-0") return 0;
        var d = Store.Peek().ByName(arg);
        if (d is null)
        {
            Err.Write($"{arg} is an invalid domain identifier (rc=-6)\n");
            throw new XlExit(1);
        }
        return d.Domid;
    }
}
