using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Lvm;

/// <summary>Ends an LVM tool with an exit status after its messages were written.</summary>
public sealed class LvmExit : Exception
{
    public int Code { get; }
    public LvmExit(int code) => Code = code;
}

/// <summary>
/// What an emulated LVM tool needs: streams, settings, the shared state store (same lock as xl), and LVM's
/// message conventions. Every message LVM logs is prefixed with log/prefix, "  " by default.
/// </summary>
public sealed class LvmContext
{
    /// <summary>ECMD_PROCESSED maps to exit 0; ECMD_FAILED to 5; EINVALID_CMD_LINE to 3 (tools/errors.h).</summary>
    public const int Ok = 0, InvalidCmdLine = 3, Failed = 5;

    public string Tool { get; }
    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public TextReader In { get; }
    public string StateDir { get; }
    public EmulatorSettings Settings { get; }
    public StateStore Store { get; }
    /// <summary>-q/--quiet: suppresses log_print_unless_silent messages (created, removed, rounding).</summary>
    public bool Quiet { get; set; }

    public LvmContext(string tool, TextWriter @out, TextWriter err, TextReader @in, string stateDir)
    {
        Tool = tool; Out = @out; Err = err; In = @in; StateDir = stateDir;
        Settings = EmulatorSettings.Load(stateDir);
        Store = new StateStore(stateDir);
    }

    /// <summary>log_error: "  MSG" on stderr.</summary>
    public void Error(string msg) => Err.Write("  " + msg + "\n");
    /// <summary>log_print: "  MSG" on stdout.</summary>
    public void Print(string msg) => Out.Write("  " + msg + "\n");
    public void PrintUnlessSilent(string msg) { if (!Quiet) Print(msg); }

    public VolumeGroupSettings? Vg(string name) =>
        Settings.VolumeGroups.TryGetValue(name, out var vg) ? vg : null;

    /// <summary>toollib's process_each_*: an unknown VG fails with these two lines.</summary>
    public int VgNotFound(string name)
    {
        Error($"Volume group \"{name}\" not found");
        Error($"Cannot process volume group {name}");
        return Failed;
    }

    /// <summary>The getopt/argument failure tail, exit EINVALID_CMD_LINE.</summary>
    public LvmExit CommandLineError(params string[] before)
    {
        foreach (var b in before) Error(b);
        Error("Error during parsing of command line.");
        return new LvmExit(InvalidCmdLine);
    }

    public LvmExit NoMatchingSyntax()
    {
        Error($"No command with matching syntax recognised.  Run '{Tool} --help' for more information.");
        return new LvmExit(InvalidCmdLine);
    }
}
