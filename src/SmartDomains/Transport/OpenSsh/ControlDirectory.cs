using System.Text.RegularExpressions;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>
/// A connection's private directory (mode 0700): the master's control socket, and the record of the host key the host
/// presented. Only this user can reach the socket, so nobody else can ride the master. Removed at disconnect.
/// </summary>
public sealed partial class ControlDirectory : IDisposable
{
    private ControlDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>The master's control socket (ssh -S).</summary>
    public string Socket => System.IO.Path.Combine(Path, "master");

    /// <summary>The fingerprint (SHA256:...) of the host key the host presented on the master's last connect.</summary>
    public string HostKeyRecord => System.IO.Path.Combine(Path, "hostkey");

    /// <summary>Creates a new one under the temporary folder (mkdtemp: mode 0700, a name nobody can have taken).</summary>
    public static ControlDirectory Create()
    {
        var dir = Directory.CreateTempSubdirectory("sd-ssh-").FullName;
        // A unix socket path has room for about 104 bytes, ssh adds a 17-byte suffix while it binds, and ssh expands % and
        // ${ in paths it is given: keep to plain characters.
        if (dir.Length > 70 || !PlainPath().IsMatch(dir))
        {
            Directory.Delete(dir);
            throw new XenHostException(XenErrorIds.HostSettingInvalid, XenErrorCategory.InvalidArgument, null,
                $"The temporary folder '{System.IO.Path.GetDirectoryName(dir)}' is too long for an ssh control socket, or has characters ssh would expand.")
            { RecommendedAction = "Set TMPDIR to a short plain path such as /tmp." };
        }
        return new ControlDirectory(dir);
    }

    /// <summary>The presented host key's fingerprint, without "SHA256:", or null when none was recorded.</summary>
    public string? ReadHostKey()
    {
        try
        {
            var text = File.ReadAllText(HostKeyRecord).Trim();
            return text.StartsWith("SHA256:", StringComparison.Ordinal) ? text["SHA256:".Length..] : null;
        }
        catch (IOException) { return null; }
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* already gone */ }
        catch (UnauthorizedAccessException) { /* left for the system's temp cleaning */ }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./-]+$")]
    private static partial Regex PlainPath();
}
