using System.Collections;
using System.Management.Automation;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Commands;

/// <summary>Turns a -Definition hashtable (nested hashtables, arrays, PSObjects) into the JSON the pool loader reads.</summary>
internal static class PoolInput
{
    /// <summary>The file name a -Definition pool is recorded under (its SourceFile), in the folder it was planned from.</summary>
    public const string DefinitionFileName = "(definition)";

    public static string ToJson(IDictionary definition) => ToToken(definition).ToString();

    /// <summary>A -Parameter hashtable as the loader takes it: every value as PowerShell converts it to a string.</summary>
    public static IReadOnlyDictionary<string, string> Parameters(IDictionary? parameter) =>
        parameter?.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => parameter[k] is null ? "" : LanguagePrimitives.ConvertTo<string>(parameter[k]))
        ?? new Dictionary<string, string>();

    private static JToken ToToken(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        null => JValue.CreateNull(),
        IDictionary map => new JObject(map.Keys.Cast<object>().Select(k => new JProperty(k.ToString()!, ToToken(map[k])))),
        string s => new JValue(s),
        IEnumerable list => new JArray(list.Cast<object?>().Select(ToToken)),
        bool b => new JValue(b),
        int or long or short or byte => new JValue(Convert.ToInt64(value is PSObject p ? p.BaseObject : value)),
        double or float or decimal => new JValue(Convert.ToDouble(value is PSObject p2 ? p2.BaseObject : value)),
        var other => new JValue(other.ToString()),
    };
}
