using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>
/// Flattens a merged template to one value per dotted path, each with the file and line it was written at. Lists of objects
/// (disks, network) go item by item, "disks[0].size"; lists of plain values stay whole, "schedule.windows".
/// </summary>
internal static class MergedValues
{
    public static IReadOnlyList<TemplateValue> Flatten(MergedObject merged)
    {
        var values = new List<TemplateValue>();
        AddObject(values, merged, "");
        return values;
    }

    private static void AddObject(List<TemplateValue> values, MergedObject merged, string prefix)
    {
        foreach (var (key, value) in merged.Fields)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            switch (value)
            {
                case MergedObject child: AddObject(values, child, path); break;
                case MergedLeaf leaf: AddToken(values, leaf.Token, leaf.File, path); break;
                case MergedList list: AddList(values, list.Items.Select(i => (i.Token, i.File)).ToArray(), list.Token, list.File, path); break;
            }
        }
    }

    private static void AddToken(List<TemplateValue> values, JToken token, string file, string path)
    {
        switch (token)
        {
            case JObject obj when obj.HasValues:
                foreach (var prop in obj.Properties()) AddToken(values, prop.Value, file, path + "." + prop.Name);
                break;
            case JArray array:
                AddList(values, array.Select(t => (t, file)).ToArray(), array, file, path);
                break;
            default:
                values.Add(new TemplateValue(path, token.ToString(Formatting.None), file, LineOf(token)));
                break;
        }
    }

    private static void AddList(List<TemplateValue> values, IReadOnlyList<(JToken Token, string File)> items, JToken written, string file, string path)
    {
        if (items.Count > 0 && items.All(i => i.Token is JObject))
        {
            for (var i = 0; i < items.Count; i++) AddToken(values, items[i].Token, items[i].File, $"{path}[{i}]");
            return;
        }
        // "dependsOn+" may gather items from several files; the list is where it was last written.
        var json = "[" + string.Join(",", items.Select(i => i.Token.ToString(Formatting.None))) + "]";
        values.Add(new TemplateValue(path, json, file, LineOf(written)));
    }

    public static int LineOf(JToken token) => token is IJsonLineInfo info && info.HasLineInfo() ? Math.Max(1, info.LineNumber) : 1;
}
