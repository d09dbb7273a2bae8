using System.Text;

namespace SmartDomains.Pools;

/// <summary>Fills ${name} placeholders. "$${" stands for a literal "${".</summary>
public static class ParameterSubstitution
{
    /// <summary>Marks a placeholder with no closing brace in the list of missing names.</summary>
    public const string Unclosed = " (no closing '}')";

    /// <summary>The names of the placeholders in a text, in order: what filling it from no parameters finds missing.</summary>
    public static IReadOnlyList<string> Names(string text)
    {
        Fill(text, new Dictionary<string, string>(), out var missing);
        return missing.Where(m => !m.EndsWith(Unclosed, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>Returns the filled text, or null and the names that have no value.</summary>
    public static string? Fill(string text, IReadOnlyDictionary<string, string> parameters, out IReadOnlyList<string> missing)
    {
        var unknown = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                sb.Append("${");
                i += 2;
                continue;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0) { unknown.Add(text[(i + 2)..] + Unclosed); break; }
                var name = text[(i + 2)..end];
                if (parameters.TryGetValue(name, out var value)) sb.Append(value);
                else unknown.Add(name);
                i = end;
                continue;
            }
            sb.Append(text[i]);
        }
        missing = unknown;
        return unknown.Count == 0 ? sb.ToString() : null;
    }
}
