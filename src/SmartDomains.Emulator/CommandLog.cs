using System.Text;
using SmartDomains.Remote;

namespace SmartDomains.Emulator;

/// <summary>
/// commands.log: one line per invocation, "ISO-8601 UTC timestamp TAB PROGRAM ARG..."
/// (PROGRAM is xl, or lvcreate, lvs, lvremove or vgs for the emulated LVM tools), each argument quoted with
/// RemoteCommand.Quote. Appended in one write under a lock file, so concurrent lines never interleave.
/// </summary>
public static class CommandLog
{
    public static string Format(DateTime utc, IEnumerable<string> args, string program = "xl")
    {
        var sb = new StringBuilder(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ")).Append('\t').Append(program);
        foreach (var a in args) sb.Append(' ').Append(RemoteCommand.Quote(a.Replace("\0", "")));
        return sb.Append('\n').ToString();
    }

    public static void Append(string stateDir, IEnumerable<string> args, string program = "xl")
    {
        var bytes = Encoding.UTF8.GetBytes(Format(DateTime.UtcNow, args, program));
        // .NET's FileMode.Append seeks rather than using O_APPEND, so serialise writers with a lock file.
        using var guard = LockFile.Acquire(Path.Combine(stateDir, "commands.log.lock"));
        using var fs = new FileStream(Path.Combine(stateDir, "commands.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        fs.Write(bytes, 0, bytes.Length);
    }
}
