using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>A template as declared: its body, the file it came from, and the property that named it.</summary>
public sealed record TemplateDeclaration(string Name, JObject Body, string File, JProperty Declaration);

/// <summary>
/// Every template a pool can extend, in layers: shipped and site libraries on the search path, then the pool's includes in
/// order, then the pool's own templates. A later layer overrides an earlier one by name.
/// </summary>
public sealed class TemplateLibrary
{
    private readonly Dictionary<string, TemplateDeclaration> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loadedFiles = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _searchPath;
    private readonly PoolDiagnostics _diagnostics;
    private readonly IReadOnlyDictionary<string, string> _unsaved;

    /// <param name="unsaved">Texts that stand in for files on disk, by full path: an editor's buffer, validated as the file
    /// would be in the layer it sits in.</param>
    public TemplateLibrary(IReadOnlyList<string> searchPath, PoolDiagnostics diagnostics, IReadOnlyDictionary<string, string>? unsaved = null)
    {
        _searchPath = searchPath;
        _diagnostics = diagnostics;
        _unsaved = unsaved ?? new Dictionary<string, string>();
    }

    public IReadOnlyCollection<string> Names => _templates.Keys;

    /// <summary>The templates a pool file sees: the search path, its includes in order, then its own templates.</summary>
    public static TemplateLibrary ForPool(JObject root, string file, IReadOnlyList<string> searchPath, PoolDiagnostics diagnostics)
    {
        var library = new TemplateLibrary(searchPath, diagnostics);
        library.LoadSearchPath();
        foreach (var include in NameTokens(root["include"])) library.Include(include, file);
        library.AddTemplates(root["templates"] as JObject, file);
        return library;
    }

    public bool TryGet(string name, out TemplateDeclaration declaration) => _templates.TryGetValue(name, out declaration!);

    /// <summary>Loads every *.json library in the search path, so shipped templates need no include.</summary>
    public void LoadSearchPath()
    {
        foreach (var dir in _searchPath.Where(Directory.Exists))
            foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
                LoadLibrary(file);
    }

    /// <summary>Resolves an include relative to the including file, then along the search path.</summary>
    public void Include(JToken nameToken, string fromFile)
    {
        var name = (string)nameToken!;
        var candidates = new List<string> { Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fromFile))!, name) };
        candidates.AddRange(_searchPath.Select(d => Path.Combine(d, name)));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            _diagnostics.Add(fromFile, nameToken,
                $"include '{name}' was not found next to {Path.GetFileName(fromFile)} nor on the template search path ({string.Join(Path.PathSeparator, _searchPath)})");
            return;
        }
        LoadLibrary(Path.GetFullPath(found));
    }

    public void AddTemplates(JObject? templates, string file)
    {
        if (templates is null) return;
        foreach (var prop in templates.Properties())
            if (prop.Value is JObject body) _templates[prop.Name] = new TemplateDeclaration(prop.Name, body, file, prop);
    }

    /// <summary>Loads one library file (once) as the next layer: checked, its includes first, then its templates.</summary>
    public void LoadLibrary(string file)
    {
        if (!_loadedFiles.Add(file)) return;
        var root = _unsaved.TryGetValue(file, out var text) ? PoolJson.Parse(text, file, _diagnostics) : PoolJson.Load(file, _diagnostics);
        if (root is null) return;
        new SchemaValidator(file, _diagnostics).Validate(root, "library");
        foreach (var include in NameTokens(root["include"])) Include(include, file);
        AddTemplates(root["templates"] as JObject, file);
    }

    internal static IEnumerable<JToken> NameTokens(JToken? token) => token switch
    {
        null => Array.Empty<JToken>(),
        JArray array => array.Where(t => t.Type == JTokenType.String),
        { Type: JTokenType.String } => new[] { token },
        _ => Array.Empty<JToken>(),
    };
}
