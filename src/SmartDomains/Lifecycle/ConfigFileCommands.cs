using SmartDomains.Remote;

namespace SmartDomains.Lifecycle;

/// <summary>Writes an xl.cfg atomically (temp file, then rename), refusing to replace a file the module did not write.</summary>
public static class ConfigFileCommands
{
    // $1 content, $2 path, $3 "ours" when the journal says we wrote the file before.
    private const string WriteScript =
        "if [ -e \"$2\" ] && [ \"$3\" != ours ]; then echo \"$2 exists and SmartDomains did not write it\" >&2; exit 17; fi; " +
        "mkdir -p \"$(dirname \"$2\")\" && umask 022 && printf '%s' \"$1\" > \"$2.sd-tmp\" && mv -f \"$2.sd-tmp\" \"$2\"";

    private const string RemoveScript = "rm -f \"$1\" \"$1.sd-tmp\"";

    public static RemoteCommand Write(string path, string content, bool ours) => RemoteCommand.Script(WriteScript, content, path, ours ? "ours" : "new");

    public static RemoteCommand Remove(string path) => RemoteCommand.Script(RemoveScript, path);
}
