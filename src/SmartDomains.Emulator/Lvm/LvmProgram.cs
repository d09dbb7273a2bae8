namespace SmartDomains.Emulator.Lvm;

/// <summary>
/// The emulated LVM2 tools (2.03, as in Debian 12): lvcreate, lvs, lvremove, vgs. The wrappers next to xl run
/// `xl.dll --lvm-tool NAME ARGS...`. State lives in the xl state dir, in state.json under the same lock.
/// </summary>
public static class LvmProgram
{
    public const string Version = "2.03.16(2) (2022-05-18)";

    private static readonly Dictionary<string, Func<LvmContext, string[], int>> Tools = new()
    {
        ["lvcreate"] = LvCreate.Run,
        ["lvremove"] = LvRemove.Run,
        ["lvs"] = LvmReport.RunLvs,
        ["vgs"] = LvmReport.RunVgs,
    };

    public static IReadOnlyCollection<string> Names => Tools.Keys;

    public static int Run(string tool, string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin, string stateDir)
    {
        if (!Tools.TryGetValue(tool, out var run))
        {
            stderr.Write($"xl: no emulated LVM tool named '{tool}'\n");
            return 127;
        }
        Directory.CreateDirectory(stateDir);
        CommandLog.Append(stateDir, args, tool);
        var ctx = new LvmContext(tool, stdout, stderr, stdin, stateDir);
        try
        {
            if (args.Contains("--version"))
            {
                stdout.Write($"  LVM version:     {Version}\n  Library version: 1.02.185 (2022-05-18)\n");
                return 0;
            }
            if (args.Contains("--help") || args.Contains("-h"))
            {
                stdout.Write($"  {tool} - emulated by SmartDomains (see about_SmartDomains_Emulator)\n\n");
                return 0;
            }
            return run(ctx, args);
        }
        catch (LvmExit e)
        {
            return e.Code;
        }
    }
}
