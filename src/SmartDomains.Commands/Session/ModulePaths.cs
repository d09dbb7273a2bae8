namespace SmartDomains.Commands;

/// <summary>Files that ship inside the module folder.</summary>
internal static class ModulePaths
{
    public static string ModuleDir => Path.GetDirectoryName(typeof(ModulePaths).Assembly.Location)!;

    /// <summary>The xl emulator; $env:SMARTDOMAINS_EMULATOR_DIR overrides it (for development builds).</summary>
    public static string EmulatorDir =>
        Environment.GetEnvironmentVariable("SMARTDOMAINS_EMULATOR_DIR") is { Length: > 0 } dir ? dir : Path.Combine(ModuleDir, "emulator");
}
