using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartDomains.Emulator.Output;

/// <summary>
/// Indented JSON with four-space indents, the layout `xl list -l` and save files have always had here (the emulator
/// wrote it with Newtonsoft before). Utf8JsonWriter in .NET 8 indents by two, hence this small writer. Strings are
/// escaped as Newtonsoft escapes them: quote, backslash, control characters, U+0085, U+2028 and U+2029.
/// </summary>
public static class PrettyJson
{
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject o:
                WriteContainer(sb, '{', '}', o, depth, (p, d) => { Quote(sb, p.Key); sb.Append(": "); Write(sb, p.Value, d); });
                break;
            case JsonArray a:
                WriteContainer(sb, '[', ']', a, depth, (v, d) => Write(sb, v, d));
                break;
            case null:
                sb.Append("null");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                Quote(sb, v.GetValue<string>());
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder sb, char open, char close, IEnumerable<T> items, int depth, Action<T, int> item)
    {
        sb.Append(open);
        bool any = false;
        foreach (var x in items)
        {
            sb.Append(any ? ",\n" : "\n").Append(' ', 4 * (depth + 1));
            item(x, depth + 1);
            any = true;
        }
        if (any) sb.Append('\n').Append(' ', 4 * depth);
        sb.Append(close);
    }

    private static void Quote(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ' or '\u0085' or '\u2028' or '\u2029': sb.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
