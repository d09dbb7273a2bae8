using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>
/// Reads a pool description: includes and the template search path, extends chains, parameters, count expansion,
/// dependencies. Reports every error at once, with file, line, column and JSON path.
/// </summary>
public sealed class PoolLoader
{
    private readonly IReadOnlyList<string> _searchPath;

    /// <param name="searchPath">Template directories, lowest priority first (shipped templates, then site paths).</param>
    public PoolLoader(IReadOnlyList<string> searchPath) => _searchPath = searchPath;

    public PoolDefinition LoadFile(string path, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var diagnostics = new PoolDiagnostics();
        var file = System.IO.Path.GetFullPath(path);
        var root = PoolJson.Load(file, diagnostics);
        diagnostics.ThrowIfAny();
        return Load(root!, file, parameters, diagnostics);
    }

    /// <summary>Loads a description given as JSON text (e.g. from a hashtable); includes resolve against <paramref name="baseFile"/>.</summary>
    public PoolDefinition LoadText(string json, string baseFile, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var diagnostics = new PoolDiagnostics();
        var root = PoolJson.Parse(json, baseFile, diagnostics);
        diagnostics.ThrowIfAny();
        return Load(root!, baseFile, parameters, diagnostics);
    }

    private PoolDefinition Load(JObject root, string file, IReadOnlyDictionary<string, string>? parameters, PoolDiagnostics diagnostics)
    {
        new SchemaValidator(file, diagnostics).Validate(root, "pool");
        var name = root["name"] is { Type: JTokenType.String } n ? (string)n! : null;
        if (name is null && root["name"] is null) diagnostics.Add(file, root, "the pool needs a \"name\"");
        else if (name is not null && !XenNames.IsValidName(name)) diagnostics.Add(file, root["name"], $"'{name}' is not a valid pool name: {XenNames.NameRule}");

        var library = TemplateLibrary.ForPool(root, file, _searchPath, diagnostics);

        var poolParameters = (root["parameters"] as JObject)?.Properties()
            .Where(p => p.Value.Type is not (JTokenType.Object or JTokenType.Array))
            .ToDictionary(p => p.Name, p => DomainBuilder.Scalar(p.Value)) ?? new Dictionary<string, string>();
        var resolver = new TemplateResolver(library, diagnostics);
        // Every template is resolved, used or not, so a broken one is reported before it bites.
        foreach (var templateName in (root["templates"] as JObject)?.Properties().Select(p => p.Name) ?? Enumerable.Empty<string>())
            if (library.TryGet(templateName, out var t)) resolver.ResolveObject(t.Body, t.File);

        var builder = new DomainBuilder(name ?? "pool", diagnostics, poolParameters, parameters ?? new Dictionary<string, string>());
        var domains = new List<PoolDomain>();
        var declarations = root["domains"] as JArray;
        if (declarations is null || declarations.Count == 0)
            diagnostics.Add(file, root["domains"] ?? root, "the pool has no domains; add a \"domains\" list");
        foreach (var declaration in declarations?.OfType<JObject>() ?? Enumerable.Empty<JObject>())
            domains.AddRange(builder.Build(declaration, file, resolver.ResolveObject(declaration, file)));

        CheckDuplicates(domains, declarations, file, diagnostics);
        var stages = DependencyGraph.Resolve(domains, library, file, diagnostics);
        diagnostics.ThrowIfAny();

        return new PoolDefinition
        {
            Name = name!,
            Description = root["description"]?.ToString(),
            SourceFile = file,
            PlacementPolicy = root["placement"]?["policy"]?.ToString() ?? "spread",
            Images = Images(root["images"] as JObject, file),
            Domains = domains,
            Stages = stages,
        };
    }

    /// <summary>Repository paths relative to the pool file's folder, made absolute.</summary>
    private static PoolImages Images(JObject? images, string file)
    {
        string? Path(string key) => images?[key] is { Type: JTokenType.String } t
            ? System.IO.Path.GetFullPath((string)t!, System.IO.Path.GetDirectoryName(file) ?? ".") : null;
        return new PoolImages { Base = Path("base"), Saved = Path("saved") };
    }

    private static void CheckDuplicates(List<PoolDomain> domains, JArray? declarations, string file, PoolDiagnostics diagnostics)
    {
        foreach (var group in domains.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var sources = string.Join(" and ", group.Select(d => d.Source).Distinct());
            var second = group.Skip(1).First();
            var token = declarations?.OfType<JObject>().FirstOrDefault(o => $"{file}:{((Newtonsoft.Json.IJsonLineInfo)o).LineNumber}:{((Newtonsoft.Json.IJsonLineInfo)o).LinePosition}" == second.Source)?["name"];
            diagnostics.Add(file, token, $"domain name '{group.Key}' is used more than once after count expansion ({sources})");
        }
    }
}
