using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Subcommands;
using SmartDomains.Emulator.Guest;

namespace SmartDomains.Emulator;

/// <summary>
/// Entry points. <see cref="Run(string[], TextWriter, TextWriter, string)"/> runs one xl invocation in-process
/// (tests use it); <see cref="RunProcess"/> is the real program, state dir from XL_EMULATOR_DIR.
/// </summary>
public static class EmulatorProgram
{
    public const string DefaultStateDir = "/var/lib/xen/emulator";
    /// <summary>Hidden first argument that makes xl.dll one of the emulated LVM tools.</summary>
    public const string LvmToolOption = "--lvm-tool";

    public static string StateDirFromEnvironment() =>
        Environment.GetEnvironmentVariable("XL_EMULATOR_DIR") is { Length: > 0 } d ? d : DefaultStateDir;

    public static int RunProcess(string[] args)
    {
        if (args.Length == 3 && args[0] == "__guest") return GuestMain.Run(args[1], int.Parse(args[2]));
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        // The LVM wrappers (lvcreate, lvs, lvremove, vgs) run "xl.dll --lvm-tool NAME ARGS...".
        int rc = args.Length >= 2 && args[0] == LvmToolOption
            ? Lvm.LvmProgram.Run(args[1], args[2..], stdout, stderr, Console.In, StateDirFromEnvironment())
            : Run(args, stdout, stderr, StateDirFromEnvironment());
        stdout.Flush();
        return rc;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string stateDir) =>
        Run(args, stdout, stderr, stateDir, null);

    /// <summary>Runs one emulated LVM tool (lvcreate, lvs, lvremove, vgs) in-process.</summary>
    public static int RunLvm(string tool, string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin, string stateDir) =>
        Lvm.LvmProgram.Run(tool, args, stdout, stderr, stdin, stateDir);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string stateDir, IGuestLauncher? guests)
    {
        Directory.CreateDirectory(stateDir);
        CommandLog.Append(stateDir, args);
        // Global options before the subcommand (-v, -f, -N, -t) are accepted and ignored.
        int i = 0;
        while (i < args.Length && args[i].StartsWith('-') && args[i].Length > 1) i++;
        if (i >= args.Length)
        {
            stdout.Write("Usage xl [-vfNt] <subcommand> [args]\n");
            return 1;
        }
        var command = CommandTable.Find(args[i]);
        if (command is null)
        {
            stderr.Write("command not implemented\n");
            return 1;
        }
        var ctx = new CommandContext(stdout, stderr, stateDir);
        if (guests != null) ctx.Guests = guests;
        try
        {
            return command(ctx, args[(i + 1)..]);
        }
        catch (XlExit e)
        {
            return e.Code;
        }
    }
}
