using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>A value after template merging that still knows the file and token it came from, for error messages.</summary>
public abstract record MergedValue(string File);

public sealed record MergedLeaf(JToken Token, string File) : MergedValue(File);

public sealed record MergedList(IReadOnlyList<MergedLeaf> Items, JToken Token, string File) : MergedValue(File);

/// <summary>
/// Objects merge key by key, recursively. Lists are replaced, unless the later object writes "key+" to append.
/// </summary>
public sealed record MergedObject(Dictionary<string, MergedValue> Fields, string File) : MergedValue(File)
{
    // Keys that describe the object itself rather than what it passes on.
    private static readonly HashSet<string> NotInherited = new() { "extends", "name", "count", "description" };

    public static MergedObject Empty(string file) => new(new Dictionary<string, MergedValue>(), file);

    public MergedObject Copy() => new(Fields.ToDictionary(p => p.Key, p => p.Value is MergedObject o ? o.Copy() : p.Value), File);

    /// <summary>Lays an object as written over this one (inheritable keys only unless <paramref name="own"/>).</summary>
    public void Overlay(JObject raw, string file, bool own)
    {
        foreach (var prop in raw.Properties())
        {
            if (!own && NotInherited.Contains(prop.Name)) continue;
            if (prop.Name == "extends") continue;
            if (prop.Name.EndsWith('+'))
            {
                var key = prop.Name[..^1];
                var items = Fields.TryGetValue(key, out var existing) ? existing switch
                {
                    MergedList list => list.Items.ToList(),
                    MergedLeaf single => new List<MergedLeaf> { single },   // "dependsOn": "db" then "dependsOn+": "web"
                    _ => new List<MergedLeaf>(),
                } : new List<MergedLeaf>();
                items.AddRange(Items(prop.Value, file));
                Fields[key] = new MergedList(items, prop.Value, file);
            }
            else if (prop.Value is JObject child)
            {
                var target = Fields.TryGetValue(prop.Name, out var existing) && existing is MergedObject o ? o : Empty(file);
                target.Overlay(child, file, own: true);
                Fields[prop.Name] = target;
            }
            else if (prop.Value is JArray)
            {
                Fields[prop.Name] = new MergedList(Items(prop.Value, file).ToArray(), prop.Value, file);
            }
            else
            {
                Fields[prop.Name] = new MergedLeaf(prop.Value, file);
            }
        }
    }

    /// <summary>Lays a merged object (a resolved template) over this one.</summary>
    public void Overlay(MergedObject other)
    {
        foreach (var (key, value) in other.Fields)
        {
            if (value is MergedObject o && Fields.TryGetValue(key, out var mine) && mine is MergedObject m) m.Overlay(o);
            else Fields[key] = value is MergedObject oo ? oo.Copy() : value;
        }
    }

    private static IEnumerable<MergedLeaf> Items(JToken value, string file) =>
        value is JArray array ? array.Select(t => new MergedLeaf(t, file)) : new[] { new MergedLeaf(value, file) };
}
