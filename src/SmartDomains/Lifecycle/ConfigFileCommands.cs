using SmartDomains.Remote;

namespace SmartDomains.Lifecycle;

/// <summary>Writes an xl.cfg atomically (temp file, then rename), refusing to replace a file the module did not write.</summary>
public static class ConfigFileCommands
{
    // $1 path, $2 "ours" when the journal says we wrote the file before; the content arrives on stdin.
    private const string WriteScript =
        "if [ -e \"$1\" ] && [ \"$2\" != ours ]; then echo \"$1 exists and SmartDomains did not write it\" >&2; exit 17; fi; " +
        "mkdir -p \"$(dirname \"$1\")\" && umask 022 && cat > \"$1.sd-tmp\" && mv -f \"$1.sd-tmp\" \"$1\"";

    private const string RemoveScript = "rm -f \"$1\" \"$1.sd-tmp\"";

    /// <summary>The content travels on standard input, so it never shows in ps, argv limits or -Verbose.</summary>
    public static RemoteCommand Write(string path, string content, bool ours) =>
        RemoteCommand.Script(WriteScript, path, ours ? "ours" : "new").WithInput(content);

    public static RemoteCommand Remove(string path) => RemoteCommand.Script(RemoveScript, path);
}
