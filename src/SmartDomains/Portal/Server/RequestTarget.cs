using System.Text;

namespace SmartDomains.Portal.Server;

/// <summary>
/// The path and query of a request as the client sent them (HttpListener's Url has already folded "%2e%2e" and ".." away, so
/// the server reads the raw target). Decoding is done once and strictly: a malformed escape or bytes that are not UTF-8 make
/// the value null, never a guess.
/// </summary>
public sealed class RequestTarget
{
    private readonly Dictionary<string, string> _query = new(StringComparer.Ordinal);

    private RequestTarget(string rawPath) => RawPath = rawPath;

    /// <summary>The path as sent, still encoded ("/api/files/a%20b.json").</summary>
    public string RawPath { get; }

    /// <summary>Null for a target that is not origin-form ("/path?query"), such as a proxy's absolute URL or "*".</summary>
    public static RequestTarget? Parse(string? rawUrl)
    {
        if (string.IsNullOrEmpty(rawUrl) || rawUrl[0] != '/') return null;
        var question = rawUrl.IndexOf('?');
        var target = new RequestTarget(question < 0 ? rawUrl : rawUrl[..question]);
        if (question >= 0)
            foreach (var pair in rawUrl[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                var name = Decode(equals < 0 ? pair : pair[..equals], plusIsSpace: true);
                var value = Decode(equals < 0 ? "" : pair[(equals + 1)..], plusIsSpace: true);
                if (name is not null && value is not null) target._query.TryAdd(name, value);
            }
        return target;
    }

    public string? Query(string name) => _query.TryGetValue(name, out var value) ? value : null;

    /// <summary>The raw path after <paramref name="prefix"/>, decoded once; null when the path does not start so or is malformed.</summary>
    public string? DecodedAfter(string prefix) =>
        RawPath.StartsWith(prefix, StringComparison.Ordinal) ? Decode(RawPath[prefix.Length..], plusIsSpace: false) : null;

    /// <summary>Percent-decoding of UTF-8; null for "%" without two hex digits or for bytes that are not UTF-8.</summary>
    public static string? Decode(string encoded, bool plusIsSpace)
    {
        if (encoded.IndexOf('%') < 0 && !(plusIsSpace && encoded.Contains('+'))) return encoded;
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !Uri.IsHexDigit(encoded[i + 1]) || !Uri.IsHexDigit(encoded[i + 2])) return null;
                bytes.Add((byte)(Uri.FromHex(encoded[i + 1]) * 16 + Uri.FromHex(encoded[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusIsSpace) bytes.Add((byte)' ');
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        try { return StrictUtf8.GetString(bytes.ToArray()); }
        catch (DecoderFallbackException) { return null; }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
