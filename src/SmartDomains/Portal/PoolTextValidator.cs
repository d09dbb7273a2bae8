using Newtonsoft.Json.Linq;
using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>The module's own validator on text that is not on disk yet: an editor's buffer.</summary>
public static class PoolTextValidator
{
    /// <summary>
    /// Validates <paramref name="text"/> as the module would the file at <paramref name="filePath"/> (includes relative to
    /// it), without reading that file. A pool file is validated by PoolLoader, a template library as TemplateLibrary loads
    /// one, with every template resolved. Returns every error, sorted by file, line and column; none for a valid file.
    /// </summary>
    /// <param name="searchPath">The whole template search path, shipped templates first, as PoolLoader takes it.</param>
    public static IReadOnlyList<PoolError> Validate(string text, string filePath, IReadOnlyList<string> searchPath)
    {
        var file = Path.GetFullPath(filePath);
        var layers = searchPath.Select(Path.GetFullPath).ToArray();
        var diagnostics = new PoolDiagnostics();
        var root = PoolJson.Parse(text, file, diagnostics);
        if (root is null) return diagnostics.Sorted;
        if (IsPool(root))
        {
            try
            {
                new PoolLoader(layers).LoadText(text, file);
                return Array.Empty<PoolError>();
            }
            catch (PoolFileInvalidException ex) { return ex.Errors; }
        }

        // The text stands in for the file in its own layer: a library on the search path is not also read from disk.
        var library = new TemplateLibrary(layers, diagnostics, new Dictionary<string, string> { [file] = text });
        library.LoadSearchPath();
        library.LoadLibrary(file);
        var resolver = new TemplateResolver(library, diagnostics);
        foreach (var body in (root["templates"] as JObject)?.Properties().Select(p => p.Value).OfType<JObject>() ?? Enumerable.Empty<JObject>())
            resolver.ResolveObject(body, file);
        return diagnostics.Sorted;
    }

    /// <summary>A pool file has "domains" or a "name"; anything else is a template library.</summary>
    public static bool IsPool(JObject root) => root["domains"] is not null || root["name"] is not null;
}
