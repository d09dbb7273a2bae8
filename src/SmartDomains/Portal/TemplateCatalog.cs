using Newtonsoft.Json.Linq;
using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>
/// Every template the module knows, read with the pool language's own pieces (TemplateLibrary's layers, TemplateResolver's
/// merge), each with its extends chain and its final values.
/// </summary>
public static class TemplateCatalog
{
    /// <param name="shippedDir">The module's Templates folder.</param>
    /// <param name="searchPath">The site folders ($env:SMARTDOMAINS_TEMPLATE_PATH), after the shipped one.</param>
    /// <param name="folder">The portal's folder: its *.json libraries (recursively) are the last layer, so one of them
    /// overrides a shipped or site template of the same name; the templates of its pool files are listed per pool file.</param>
    public static TemplateCatalogResult Read(string shippedDir, IReadOnlyList<string> searchPath, string? folder) =>
        Read(shippedDir, searchPath, folder is null ? Array.Empty<string>() : new[] { folder });

    /// <param name="paths">JSON files, or folders whose *.json files (recursively) are added: a library is the last layer
    /// (so it overrides a template of the same name), a pool file adds its own templates, listed with it.</param>
    public static TemplateCatalogResult Read(string shippedDir, IReadOnlyList<string> searchPath, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? FilesUnder(p) : new[] { Path.GetFullPath(p) });
        var layers = new[] { shippedDir }.Concat(searchPath).Select(Path.GetFullPath).ToArray();
        var sources = new TemplateSources(layers[0], layers[1..]);
        var diagnostics = new PoolDiagnostics();
        var library = new TemplateLibrary(layers, diagnostics);
        library.LoadSearchPath();
        var pools = new List<(string File, JObject Root)>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            if (PoolJson.Load(file, diagnostics) is not { } root) continue;
            if (PoolTextValidator.IsPool(root)) pools.Add((file, root));
            else library.LoadLibrary(file);
        }

        var resolver = new TemplateResolver(library, diagnostics);
        var templates = library.Names.Order(StringComparer.Ordinal)
            .Select(name => Describe(library, name, resolver, sources)).ToList();
        foreach (var (file, root) in pools) templates.AddRange(PoolTemplates(file, root, layers, sources, diagnostics));
        return new TemplateCatalogResult(templates, diagnostics.Sorted);
    }

    /// <summary>A pool file's own templates, resolved as that pool resolves them (its includes, then its own templates).</summary>
    private static IEnumerable<TemplateInfo> PoolTemplates(string file, JObject root, IReadOnlyList<string> layers,
        TemplateSources sources, PoolDiagnostics diagnostics)
    {
        // The whole file is checked, but only what concerns templates is the catalog's to report; the editor shows the rest.
        var schema = new PoolDiagnostics();
        new SchemaValidator(file, schema).Validate(root, "pool");
        foreach (var error in schema.Errors.Where(e => IsAbout(e, "templates") || IsAbout(e, "include"))) diagnostics.Add(error);

        var library = TemplateLibrary.ForPool(root, file, layers, diagnostics);
        var resolver = new TemplateResolver(library, diagnostics);
        return (root["templates"] as JObject)?.Properties().Where(p => p.Value is JObject)
            .Select(p => Describe(library, p.Name, resolver, sources) with { Pool = file }).ToArray() ?? Array.Empty<TemplateInfo>();
    }

    private static bool IsAbout(PoolError error, string key) =>
        error.JsonPath == key || error.JsonPath.StartsWith(key + ".", StringComparison.Ordinal) || error.JsonPath.StartsWith(key + "[", StringComparison.Ordinal);

    private static TemplateInfo Describe(TemplateLibrary library, string name, TemplateResolver resolver, TemplateSources sources)
    {
        library.TryGet(name, out var declaration);
        var resolved = resolver.ResolveObject(declaration.Body, declaration.File);
        return new TemplateInfo(name, declaration.File, MergedValues.LineOf(declaration.Declaration), sources.Of(declaration.File),
            new[] { name }.Concat(resolved.Chain).ToArray(), MergedValues.Flatten(resolved.Fields))
        {
            Description = declaration.Body["description"] is { Type: JTokenType.String } d ? (string?)d : null,
        };
    }

    private static IEnumerable<string> FilesUnder(string folder) =>
        Directory.EnumerateFiles(Path.GetFullPath(folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
}
