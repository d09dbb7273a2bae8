using System.Diagnostics;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>The system's ssh client: where it is, and how every ssh process of the module is started.</summary>
public static class OpenSshClient
{
    private static readonly Lazy<string?> SshPath = new(() => FindOnPath(OperatingSystem.IsWindows() ? "ssh.exe" : "ssh"));
    private static readonly Lazy<string?> SetsidPath = new(() => OperatingSystem.IsWindows() ? null : FindOnPath("setsid"));

    /// <summary>The absolute path of ssh on PATH, or null where no OpenSSH client is installed.</summary>
    public static string? Ssh => SshPath.Value;

    /// <summary>
    /// A start for <c>ssh</c> with these arguments, each its own argv element (never a shell). The process gets a session of
    /// its own (setsid) and SSH_ASKPASS_REQUIRE=never: without a controlling terminal or an askpass program, no ssh it runs,
    /// a ProxyJump hop included (which does not get our -o options), can ever prompt; and Ctrl-C in the terminal reaches
    /// the module, which stops its children itself, instead of killing them behind its back.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var ssh = Ssh ?? throw new XenHostException(XenErrorIds.ToolMissing, XenErrorCategory.ResourceUnavailable, null,
            "This machine has no OpenSSH client (ssh) on PATH.")
        { RecommendedAction = "Install OpenSSH's client (Debian: apt-get install openssh-client), or use -Transport SshNet." };
        var psi = new ProcessStartInfo(SetsidPath.Value ?? ssh)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (SetsidPath.Value is not null) psi.ArgumentList.Add(ssh);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["SSH_ASKPASS_REQUIRE"] = "never";
        return psi;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
