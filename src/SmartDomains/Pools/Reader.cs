using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Reads typed values out of a merged object, filling parameters and reporting errors where the value was written.</summary>
internal sealed class Reader
{
    private readonly MergedObject _fields;
    private readonly string _file;
    private readonly PoolDiagnostics _diagnostics;
    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly JToken _anchor;

    public Reader(MergedObject fields, string file, PoolDiagnostics diagnostics, IReadOnlyDictionary<string, string> parameters, JToken anchor)
    {
        _fields = fields;
        _file = file;
        _diagnostics = diagnostics;
        _parameters = parameters;
        _anchor = anchor;
    }

    public Reader With(MergedObject fields) => new(fields, fields.File, _diagnostics, _parameters, _anchor);

    /// <summary>Reports at the value of <paramref name="key"/> when it was written, else at the object itself.</summary>
    public void Error(MergedObject where, string? key, string message)
    {
        JToken? token = key is not null && where.Fields.TryGetValue(key, out var v) && v is MergedLeaf leaf ? leaf.Token : null;
        token ??= where.Fields.Values.OfType<MergedLeaf>().Select(l => (JToken?)l.Token.Parent?.Parent).FirstOrDefault() ?? _anchor;
        _diagnostics.Add(where.File, token, message);
    }

    public MergedObject? Object(string key) => _fields.Fields.TryGetValue(key, out var v) ? v as MergedObject : null;

    public IEnumerable<MergedObject> List(string key)
    {
        if (!_fields.Fields.TryGetValue(key, out var v) || v is not MergedList list) yield break;
        foreach (var item in list.Items)
            if (item.Token is JObject obj)
            {
                var merged = MergedObject.Empty(item.File);
                merged.Overlay(obj, item.File, own: true);
                yield return merged;
            }
    }

    public IReadOnlyList<string> Names(string key)
    {
        if (!_fields.Fields.TryGetValue(key, out var v)) return Array.Empty<string>();
        var leaves = v switch { MergedList l => l.Items, MergedLeaf leaf => new[] { leaf }, _ => Array.Empty<MergedLeaf>() };
        return leaves.Where(l => l.Token.Type == JTokenType.String).Select(l => Fill(l)).Where(s => s is not null).Cast<string>().ToArray();
    }

    /// <summary>The token a key's value came from, for errors found after reading.</summary>
    public (JToken Token, string File)? Where(string key) =>
        _fields.Fields.TryGetValue(key, out var v) ? v switch
        {
            MergedLeaf l => (l.Token, l.File),
            MergedList l => (l.Token, l.File),
            _ => null,
        } : null;

    public string? String(string key) => Leaf(key) is { } leaf && leaf.Token.Type == JTokenType.String ? Fill(leaf) : null;

    /// <summary>
    /// A string that reaches a host, checked after placeholders are filled against the type the schema gives KEY in an
    /// object of KIND (PoolSchema is the one place that says it); a refused value is null.
    /// A value that came from a parameter names it, since the file itself may be fine.
    /// </summary>
    public string? Typed(string kind, string key)
    {
        var type = FieldSpec.Of(kind, key);
        var value = String(key);
        if (value is null || type.IsValid(value)) return value;
        var leaf = Leaf(key)!;
        var raw = (string)leaf.Token!;
        var from = ParameterSubstitution.Names(raw);
        var message = type.Refusal(key, value);
        if (from.Count > 0) message += $" (filled from parameter {string.Join(", ", from.Select(n => "'" + n + "'"))})";
        _diagnostics.Add(leaf.File, leaf.Token, message);
        return null;
    }

    public bool? Boolean(string key) => Leaf(key) is { Token.Type: JTokenType.Boolean } leaf ? (bool)leaf.Token : null;

    /// <summary>A whole number in [min, max]; a placeholder is filled first, then checked like a literal.</summary>
    public int? Integer(string key, int min, int max)
    {
        if (Leaf(key) is not { } leaf) return null;
        if (leaf.Token.Type == JTokenType.Integer)
            return SchemaValidator.TryLong(leaf.Token, out var literal) && literal >= min && literal <= max ? (int)literal : null;
        var text = leaf.Token.Type == JTokenType.String ? Fill(leaf) : null;
        if (text is null) return null;
        if (long.TryParse(text, out var n) && n >= min && n <= max) return (int)n;
        _diagnostics.Add(leaf.File, leaf.Token, SchemaValidator.RangeMessage(key, min, max, $"'{text}'"));
        return null;
    }

    public long? Bytes(string key)
    {
        if (Leaf(key) is not { } leaf) return null;
        // A bare number means MiB; the validator has already reported one that is not a size.
        var text = leaf.Token.Type == JTokenType.Integer ? leaf.Token + "M" : leaf.Token.Type == JTokenType.String ? Fill(leaf) : null;
        if (text is null) return null;
        if (Sizes.TryParseBytes(text, out var bytes)) return bytes;
        _diagnostics.Add(leaf.File, leaf.Token, Sizes.NotASize(leaf.Token.Type == JTokenType.Integer ? leaf.Token.ToString() : text));
        return null;
    }

    public long? SizeMiB(string key) => Bytes(key) is { } b ? Sizes.ToMiB(b) : null;

    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null) return null;
        if (Sizes.TryParseDuration(text, out var d)) return d;
        _diagnostics.Add(Leaf(key)!.File, Leaf(key)!.Token, Sizes.NotADuration(text));
        return null;
    }

    private MergedLeaf? Leaf(string key) => _fields.Fields.TryGetValue(key, out var v) ? v as MergedLeaf : null;

    private string? Fill(MergedLeaf leaf)
    {
        var text = (string)leaf.Token!;
        if (!SchemaValidator.HasPlaceholder(text)) return text;
        var filled = ParameterSubstitution.Fill(text, _parameters, out var missing);
        if (filled is null && missing.Count > 0 && missing[^1].EndsWith(ParameterSubstitution.Unclosed, StringComparison.Ordinal))
            _diagnostics.Add(leaf.File, leaf.Token, $"'{text}' has a placeholder with no closing '}}'; write ${{name}}, or $${{ for a literal ${{");
        else if (filled is null)
            _diagnostics.Add(leaf.File, leaf.Token,
                $"parameter {string.Join(", ", missing.Select(m => "'" + m + "'"))} has no value; pass -Parameter @{{ {missing[0]} = '...' }} or set it under \"parameters\"");
        return filled;
    }
}
