using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Checks keys and value types of a pool or template file as written, before anything is merged.</summary>
public sealed class SchemaValidator
{
    private readonly string _file;
    private readonly PoolDiagnostics _diagnostics;

    public SchemaValidator(string file, PoolDiagnostics diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
    }

    public void Validate(JObject obj, string kind)
    {
        var fields = PoolSchema.Objects[kind];
        foreach (var prop in obj.Properties())
        {
            if (!fields.TryGetValue(prop.Name, out var spec))
            {
                var hint = PoolSchema.Suggest(prop.Name, fields.Keys);
                _diagnostics.Add(_file, prop, $"unknown key '{prop.Name}' in {Article(kind)}" +
                    (hint is null ? $"; known keys: {string.Join(", ", fields.Keys.Order())}" : $"; did you mean '{hint}'?"));
                continue;
            }
            ValidateValue(prop.Name, prop.Value, spec);
        }
    }

    private void ValidateValue(string key, JToken value, FieldSpec spec)
    {
        switch (spec.Kind)
        {
            case FieldKind.String:
                if (!Expect(value, key, "a string", JTokenType.String)) return;
                var text = (string)value!;
                if (spec.TypeOrChoice is { } type && !HasPlaceholder(text) && !type.IsValid(text))
                    _diagnostics.Add(_file, value, type.Refusal(key, text));
                break;
            case FieldKind.Integer:
                if (value.Type == JTokenType.String && HasPlaceholder((string)value!)) return;
                if (!Expect(value, key, "a whole number", JTokenType.Integer)) return;
                if (!TryLong(value, out var n) || n < spec.Min || n > spec.Max)
                    _diagnostics.Add(_file, value, RangeMessage(key, spec.Min, spec.Max, value.ToString()));
                break;
            case FieldKind.Size:
                if (!Expect(value, key, "a size such as \"512M\" or \"16G\"", JTokenType.String, JTokenType.Integer)) return;
                var sizeText = value.Type == JTokenType.Integer ? value + "M" : (string)value!;
                if (!HasPlaceholder(sizeText) && !Sizes.TryParseBytes(sizeText, out _))
                    _diagnostics.Add(_file, value, Sizes.NotASize(value.ToString()));
                break;
            case FieldKind.Duration:
                if (!Expect(value, key, "a duration such as \"120s\" or \"2m\"", JTokenType.String)) return;
                if (!HasPlaceholder((string)value!) && !Sizes.TryParseDuration((string)value!, out _))
                    _diagnostics.Add(_file, value, Sizes.NotADuration(value.ToString()));
                break;
            case FieldKind.Boolean:
                Expect(value, key, "true or false", JTokenType.Boolean);
                break;
            case FieldKind.NameOrNames:
                if (value.Type == JTokenType.Array)
                {
                    foreach (var item in value) Expect(item, key, "a name (string)", JTokenType.String);
                }
                else Expect(value, key, "a name or a list of names", JTokenType.String);
                break;
            case FieldKind.Windows:
                var windows = value.Type == JTokenType.Array ? value.Children().ToArray() : new[] { value };
                if (value.Type == JTokenType.Array && windows.Length == 0)
                    _diagnostics.Add(_file, value, $"{key} is empty; leave the schedule out for a domain that always runs");
                foreach (var item in windows)
                    if (Expect(item, key, "a window (string) or a list of windows", JTokenType.String) && !HasPlaceholder((string)item!)
                        && ScheduleWindow.TryParse((string)item!, out var windowError) is null)
                        _diagnostics.Add(_file, item, windowError!);
                break;
            case FieldKind.TimeZone:
                if (Expect(value, key, "an IANA time zone such as \"Europe/Zurich\"", JTokenType.String) && !HasPlaceholder((string)value!)
                    && TimeZones.Find((string)value!) is null)
                    _diagnostics.Add(_file, value, TimeZones.Unknown(key, (string)value!));
                break;
            case FieldKind.Parameters:
                if (!Expect(value, key, "an object of name: value pairs", JTokenType.Object)) return;
                foreach (var p in ((JObject)value).Properties())
                    Expect(p.Value, $"{key}.{p.Name}", "a string, number or true/false", JTokenType.String, JTokenType.Integer, JTokenType.Float, JTokenType.Boolean);
                break;
            case FieldKind.Object:
                if (Expect(value, key, "an object", JTokenType.Object)) Validate((JObject)value, spec.ObjectName!);
                break;
            case FieldKind.ObjectList:
                if (!Expect(value, key, "a list of objects", JTokenType.Array)) return;
                foreach (var item in value)
                    if (Expect(item, key + " item", "an object", JTokenType.Object)) Validate((JObject)item, spec.ObjectName!);
                break;
            case FieldKind.ObjectMap:
                if (!Expect(value, key, "an object of name: definition pairs", JTokenType.Object)) return;
                foreach (var p in ((JObject)value).Properties())
                {
                    if (!XenNames.IsValidName(p.Name))
                        _diagnostics.Add(_file, p, $"'{p.Name}' is not a valid template name: {XenNames.NameRule}");
                    if (Expect(p.Value, p.Name, "an object", JTokenType.Object)) Validate((JObject)p.Value, spec.ObjectName!);
                }
                break;
        }
    }

    private bool Expect(JToken value, string key, string what, params JTokenType[] types)
    {
        if (types.Contains(value.Type)) return true;
        _diagnostics.Add(_file, value, $"{key} must be {what}, not {PoolJson.Describe(value)}");
        return false;
    }

    /// <summary>A JSON integer that fits a long (Newtonsoft keeps larger ones as BigInteger).</summary>
    public static bool TryLong(JToken value, out long n)
    {
        n = 0;
        if (value is not JValue { Value: long l }) return false;
        n = l;
        return true;
    }

    public static string RangeMessage(string key, long min, long max, string actual) => $"{key} must be between {min} and {max}, not {actual}";

    public static bool HasPlaceholder(string text) => text.Contains("${", StringComparison.Ordinal);

    private static string Article(string kind) => kind switch
    {
        "pool" => "the pool",
        "library" => "a template library",
        "poolPlacement" => "the pool's placement",
        "poolImages" => "the pool's images",
        _ => "a " + kind,
    };
}
