namespace SmartDomains.Commands;

/// <summary>Files that ship inside the module folder.</summary>
internal static class ModulePaths
{
    public static string ModuleDir => Path.GetDirectoryName(typeof(ModulePaths).Assembly.Location)!;

    /// <summary>The xl emulator; $env:SMARTDOMAINS_EMULATOR_DIR overrides it (for development builds).</summary>
    public static string EmulatorDir =>
        Environment.GetEnvironmentVariable("SMARTDOMAINS_EMULATOR_DIR") is { Length: > 0 } dir ? dir : Path.Combine(ModuleDir, "emulator");
}

internal static class TemplateSearchPath
{
    /// <summary>Shipped templates first, then $env:SMARTDOMAINS_TEMPLATE_PATH, so a site library overrides a shipped template.</summary>
    public static IReadOnlyList<string> Current
    {
        get
        {
            var dirs = new List<string> { Path.Combine(ModulePaths.ModuleDir, "Templates") };
            var site = Environment.GetEnvironmentVariable("SMARTDOMAINS_TEMPLATE_PATH");
            if (!string.IsNullOrEmpty(site))
                dirs.AddRange(site.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return dirs;
        }
    }
}
