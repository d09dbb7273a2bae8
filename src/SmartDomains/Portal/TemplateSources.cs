namespace SmartDomains.Portal;

/// <summary>Says which layer a template file belongs to, by the folder it sits in.</summary>
internal sealed class TemplateSources
{
    public const string Shipped = "shipped";
    public const string SearchPath = "search path";
    public const string Library = "library";

    private readonly string _shippedDir;
    private readonly IReadOnlyList<string> _searchPath;

    public TemplateSources(string shippedDir, IReadOnlyList<string> searchPath)
    {
        _shippedDir = shippedDir;
        _searchPath = searchPath;
    }

    public string Of(string file) =>
        IsUnder(file, _shippedDir) ? Shipped : _searchPath.Any(dir => IsUnder(file, dir)) ? SearchPath : Library;

    public static bool IsUnder(string file, string dir)
    {
        var relative = Path.GetRelativePath(dir, file);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
