using SmartDomains.HostScripts;
using SmartDomains.Remote;

namespace SmartDomains.Lifecycle;

/// <summary>Writes an xl.cfg atomically (temp file, then rename), refusing to replace a file the module did not write.</summary>
public static class ConfigFileCommands
{
    /// <summary>The content travels on standard input, so it never shows in ps, argv limits or -Verbose.</summary>
    public static RemoteCommand Write(string path, string content, bool ours) =>
        RemoteCommand.Script(Scripts.FileWrite, path, ours ? "ours" : "new").WithInput(content);

    /// <summary>Removes the config and a temp file a broken write may have left (file-write.sh's PATH.sd-tmp).</summary>
    public static RemoteCommand Remove(string path) => Storage.StorageUndo.RemoveFiles(path, path + ".sd-tmp");
}
