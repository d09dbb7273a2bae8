namespace SmartDomains.Hosts;

/// <summary>
/// An emulated dom0 on this machine: no root, no SSH. Its "filesystem" and the emulator's state live under a per-user root,
/// and commands run locally with the shipped xl emulator first on PATH.
/// </summary>
public static class EmulatedHost
{
    /// <summary>~/.local/share/SmartDomains/emulator (or $XDG_DATA_HOME/SmartDomains/emulator).</summary>
    public static string DefaultRoot
    {
        get
        {
            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(data, "SmartDomains", "emulator");
        }
    }

    public static HostConnectionInfo CreateInfo(string name, string root, string emulatorDir, string? vifScript = null)
    {
        // xl is the native executable (NativeAOT build) or the wrapper beside xl.dll (JIT build).
        if (!File.Exists(Path.Combine(emulatorDir, "xl")))
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ResourceUnavailable, name,
                $"The xl emulator was not found in '{emulatorDir}'.");
        var hostRoot = Path.Combine(Path.GetFullPath(root), name);
        var paths = new HostPaths(
            Path.Combine(hostRoot, "etc", "xen"),
            Path.Combine(hostRoot, "var", "lib", "xen", "images"),
            Path.Combine(hostRoot, "var", "lib", "smartdomains"),
            Path.Combine(hostRoot, "var", "log", "xen"));
        var stateDir = Path.Combine(hostRoot, "var", "lib", "xen", "emulator");
        foreach (var dir in new[] { paths.ConfigDir, paths.ImageDir, paths.StateDir, stateDir }) Directory.CreateDirectory(dir);
        // A module installed from a nupkg loses exec bits: the xl and LVM wrappers get them back here.
        foreach (var tool in new[] { "xl", "lvcreate", "lvs", "lvremove", "vgs" }) EnsureExecutable(Path.Combine(emulatorDir, tool));
        // The emulator fills in every other setting with its defaults. Guests also answer on 2222, which needs no root.
        var settings = Path.Combine(stateDir, "settings.json");
        if (!File.Exists(settings))
            File.WriteAllText(settings, new Newtonsoft.Json.Linq.JObject
            {
                ["hostname"] = name,
                ["xl_log_dir"] = paths.XlLogDir,
                ["guest_ports"] = new Newtonsoft.Json.Linq.JArray(22, 2222),
            }.ToString());
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return new HostConnectionInfo
        {
            Name = name,
            Kind = HostKind.Emulator,
            ComputerName = "localhost",
            User = Environment.UserName,
            Paths = paths,
            VifScript = vifScript,
            DefaultImages = StandInImages.DirectoryUnder(root),
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = emulatorDir + ":" + path,
                ["XL_EMULATOR_DIR"] = stateDir,
            },
        };
    }

    private static void EnsureExecutable(string script)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(script)) return;
        var mode = File.GetUnixFileMode(script);
        const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) != 0) return;
        try { File.SetUnixFileMode(script, mode | exec); }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new XenHostException(XenErrorIds.EmulatorNotExecutable, XenErrorCategory.PermissionDenied, null,
                $"The emulator script {script} is not executable, and this user cannot make it so: {ex.Message}", ex)
            { RecommendedAction = $"Have the module's owner run: chmod +x {Path.GetDirectoryName(script)}/*" };
        }
    }
}
