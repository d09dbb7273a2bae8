using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Follows "extends" through any number of levels, detecting cycles and missing templates.</summary>
public sealed class TemplateResolver
{
    public sealed record Resolved(MergedObject Fields, IReadOnlyList<string> Chain);

    private readonly TemplateLibrary _library;
    private readonly PoolDiagnostics _diagnostics;
    private readonly Dictionary<string, Resolved?> _done = new();
    private readonly Stack<string> _resolving = new();

    public TemplateResolver(TemplateLibrary library, PoolDiagnostics diagnostics)
    {
        _library = library;
        _diagnostics = diagnostics;
    }

    /// <summary>Merges what an object extends (left to right, later wins), then the object itself.</summary>
    public Resolved ResolveObject(JObject body, string file)
    {
        var merged = MergedObject.Empty(file);
        var chain = new List<string>();
        foreach (var parentToken in TemplateLibrary.NameTokens(body["extends"]))
        {
            var parent = ResolveTemplate(parentToken, file);
            if (parent is null) continue;
            merged.Overlay(parent.Fields);
            foreach (var name in parent.Chain) if (!chain.Contains(name)) chain.Add(name);
        }
        merged.Overlay(body, file, own: false);
        return new Resolved(merged, chain);
    }

    private Resolved? ResolveTemplate(JToken nameToken, string file)
    {
        var name = (string)nameToken!;
        if (!_library.TryGet(name, out var declaration))
        {
            var hint = PoolSchema.Suggest(name, _library.Names);
            _diagnostics.Add(file, nameToken, $"template '{name}' does not exist" +
                (hint is null ? "" : $"; did you mean '{hint}'?"));
            return null;
        }
        if (_resolving.Contains(name))
        {
            var cycle = _resolving.Reverse().SkipWhile(n => n != name).Append(name);
            _diagnostics.Add(file, nameToken, $"templates extend each other in a cycle: {string.Join(" -> ", cycle)}");
            return null;
        }
        if (_done.TryGetValue(name, out var cached)) return cached;

        _resolving.Push(name);
        var inner = ResolveObject(declaration.Body, declaration.File);
        _resolving.Pop();
        var resolved = new Resolved(inner.Fields, new[] { name }.Concat(inner.Chain).ToArray());
        _done[name] = resolved;
        return resolved;
    }
}
