using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Reads pool and template files: JSON with // and /* */ comments, keeping line numbers for errors.</summary>
public static class PoolJson
{
    private static readonly JsonLoadSettings Settings = new()
    {
        CommentHandling = CommentHandling.Ignore,
        LineInfoHandling = LineInfoHandling.Load,
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
    };

    public static JObject? Load(string file, PoolDiagnostics diagnostics)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new PoolError(file, 0, 0, "", $"cannot read the file: {ex.Message}"));
            return null;
        }
        return Parse(text, file, diagnostics);
    }

    public static JObject? Parse(string text, string file, PoolDiagnostics diagnostics)
    {
        try
        {
            var token = JToken.Parse(text, Settings);
            if (token is JObject obj) return obj;
            diagnostics.Add(file, token, $"the top level must be a JSON object, not {Describe(token)}");
        }
        catch (JsonReaderException ex)
        {
            // Newtonsoft says column 0 at a line start or at the end of the text; editors count from 1.
            diagnostics.Add(new PoolError(file, Math.Max(1, ex.LineNumber), Math.Max(1, ex.LinePosition), ex.Path ?? "", "JSON syntax error: " + Trim(ex.Message)));
        }
        catch (ArgumentException ex)
        {
            // Newtonsoft reports a duplicate key as an ArgumentException without position; find the key.
            diagnostics.Add(new PoolError(file, 0, 0, "", Trim(ex.Message)));
        }
        return null;
    }

    public static string Describe(JToken token) => token.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "a list",
        JTokenType.Integer => "a number",
        JTokenType.Float => "a number",
        JTokenType.String => "a string",
        JTokenType.Boolean => "true/false",
        JTokenType.Null => "null",
        _ => token.Type.ToString().ToLowerInvariant(),
    };

    // Newtonsoft appends " Path 'x', line n, position m." which our error already carries.
    private static string Trim(string message)
    {
        var at = message.IndexOf(" Path '", StringComparison.Ordinal);
        if (at < 0) at = message.IndexOf(", line ", StringComparison.Ordinal);
        return (at > 0 ? message[..at] : message).TrimEnd('.', ' ');
    }
}
