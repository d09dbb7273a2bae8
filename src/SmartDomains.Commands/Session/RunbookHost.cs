using System.Management.Automation;

namespace SmartDomains.Commands;

/// <summary>What a runbook runs with: the PowerShell of this session, this module's manifest, a PATH cron can use.</summary>
internal static class RunbookHost
{
    /// <summary>pwsh itself, or dotnet and pwsh.dll when this session is a dotnet tool (`dotnet pwsh`).</summary>
    public static IReadOnlyList<string> Pwsh()
    {
        var process = Environment.ProcessPath ?? "";
        if (Path.GetFileNameWithoutExtension(process).Equals("pwsh", StringComparison.OrdinalIgnoreCase)) return new[] { process };
        var dll = Path.Combine(Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!, "pwsh.dll");
        return File.Exists(dll) ? new[] { process, dll } : Array.Empty<string>();
    }

    public static string ModuleManifest => Path.Combine(ModulePaths.ModuleDir, "SmartDomains.psd1");

    /// <summary>
    /// The usual system directories and the one holding PowerShell (or dotnet): cron's own PATH is /usr/bin:/bin, and
    /// emulated hosts run sh, tar and zstd. A fixed list, not this session's PATH, so no stray entry reaches the job.
    /// </summary>
    public static string SearchPath(IReadOnlyList<string> pwsh)
    {
        var dirs = new List<string> { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
        if (pwsh.Count > 0 && Path.GetDirectoryName(pwsh[0]) is { Length: > 0 } own && !dirs.Contains(own)) dirs.Insert(0, own);
        return string.Join(":", dirs);
    }
}
