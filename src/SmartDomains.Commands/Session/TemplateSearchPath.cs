using SmartDomains.Portal;

namespace SmartDomains.Commands;

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

    /// <summary>Every template of the search path, plus those of the given pool files, libraries and folders.</summary>
    public static TemplateCatalogResult Catalog(IEnumerable<string> paths)
    {
        var dirs = Current;
        return TemplateCatalog.Read(dirs[0], dirs.Skip(1).ToArray(), paths);
    }
}
