using System.Collections;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace SmartDomains.Portal.Server;

/// <summary>The API's JSON: camelCase names, enums as their names, one line (an SSE data line must not break).</summary>
public static class PortalJson
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Converters = { new StringEnumConverter() },
        Formatting = Formatting.None,
        ReferenceLoopHandling = ReferenceLoopHandling.Ignore,
    };

    public static string Serialize(object? value) => JsonConvert.SerializeObject(value, Settings);

    /// <summary>{ "error": message } with the fields of <paramref name="extra"/> beside it.</summary>
    public static JObject ErrorBody(string message, object? extra)
    {
        var body = extra is null ? new JObject() : JObject.FromObject(extra, JsonSerializer.Create(Settings));
        body["error"] = message;
        return body;
    }

    /// <summary>
    /// An object's public properties of plain values (text, numbers, flags, times, enums); a property holding anything else
    /// becomes its ToString(), a list becomes a list of those. What a cmdlet returns reaches the page this way without
    /// dragging along connections, layouts or cycles, and without what an object keeps out of its formatting.
    /// </summary>
    public static IDictionary<string, object?> Flatten(object value)
    {
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead) continue;
            object? raw;
            try { raw = property.GetValue(value); }
            catch (Exception ex) { raw = ex.InnerException?.Message ?? ex.Message; }
            result[property.Name] = raw is IEnumerable list and not string ? list.Cast<object?>().Take(200).Select(Plain).ToArray() : Plain(raw);
        }
        return result;
    }

    private static object? Plain(object? value) => value switch
    {
        null => null,
        string or bool or char => value,
        Enum e => e.ToString(),
        DateTime or DateTimeOffset or Guid => value,
        TimeSpan t => t.TotalSeconds,
        _ when value.GetType().IsPrimitive || value is decimal => value,
        _ => value.ToString(),
    };
}
