using System.Security.Cryptography;
using System.Text;

namespace SmartDomains.Portal.Server;

/// <summary>What the guard decided about a request, and the words the client gets when it is refused.</summary>
public sealed record GuardDecision(int Status, string Reason, bool TokenFromQuery)
{
    public bool Allowed => Status == 200;
}

/// <summary>The parts of a request the guard looks at, so it can be tested without a listener.</summary>
public sealed record GuardInput(string Method, string? Host, string? QueryToken, string? Cookie, string? Authorization,
                                string? CustomHeader, string? Origin);

/// <summary>
/// The portal's rules for every request: the Host header must be one of the listener's own names (DNS rebinding), the token
/// must come with it (the Url's ?token=, then the cookie or an Authorization: Bearer header, compared in constant time), and a
/// request that changes something must also carry <see cref="CustomHeaderName"/>, which a cross-site form cannot set, and
/// no foreign Origin.
/// </summary>
public sealed class RequestGuard
{
    public const string CustomHeaderName = "X-SmartDomains";
    public const string CustomHeaderValue = "1";

    private readonly byte[] _token;
    private readonly HashSet<string> _hosts;
    private readonly HashSet<string> _origins;

    /// <param name="token">The access token.</param>
    /// <param name="cookieName">The cookie that carries it (one per port: browsers keep cookies per host, not per port).</param>
    /// <param name="scheme">"http" or "https", for the allowed origins.</param>
    /// <param name="hosts">The Host header values that name this listener ("127.0.0.1:8080").</param>
    public RequestGuard(string token, string cookieName, string scheme, IEnumerable<string> hosts)
    {
        _token = Encoding.UTF8.GetBytes(token);
        CookieName = cookieName;
        _hosts = new HashSet<string>(hosts, StringComparer.OrdinalIgnoreCase);
        _origins = new HashSet<string>(_hosts.Select(h => $"{scheme}://{h}"), StringComparer.OrdinalIgnoreCase);
    }

    public string CookieName { get; }

    /// <summary>A new random token: 32 bytes, base64url.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public GuardDecision Check(GuardInput request)
    {
        if (request.Host is null || !_hosts.Contains(request.Host))
            return new(403, $"This server answers only to {string.Join(" or ", _hosts.Order())}, not to Host '{request.Host}'.", false);
        var fromQuery = Matches(request.QueryToken);
        if (!fromQuery && !Matches(CookieToken(request.Cookie)) && !Matches(BearerToken(request.Authorization)))
            return new(401, "The access token is missing or wrong: open the Url that Start-XenPortal printed (it carries ?token=).", false);
        if (!IsStateChanging(request.Method)) return new(200, "", fromQuery);
        if (request.CustomHeader != CustomHeaderValue)
            return new(403, $"A {request.Method} needs the header {CustomHeaderName}: {CustomHeaderValue}, which a page of another site cannot send.", fromQuery);
        if (request.Origin is not null && !_origins.Contains(request.Origin))
            return new(403, $"A {request.Method} from another site ({request.Origin}) is refused.", fromQuery);
        return new(200, "", fromQuery);
    }

    /// <summary>Whether <paramref name="candidate"/> is the token, in time that does not depend on where they differ.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    /// <summary>The same comparison for any secret (the HTTPS relay's).</summary>
    public static bool SameSecret(string? candidate, string secret) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(secret));

    public static bool IsStateChanging(string method) =>
        !(method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Set-Cookie value that keeps the token for the page's own requests.</summary>
    public string CookieHeader(bool secure) =>
        $"{CookieName}={Encoding.UTF8.GetString(_token)}; Path=/; HttpOnly; SameSite=Strict{(secure ? "; Secure" : "")}";

    private string? CookieToken(string? cookieHeader)
    {
        if (cookieHeader is null) return null;
        foreach (var part in cookieHeader.Split(';'))
        {
            var pair = part.Trim();
            if (pair.StartsWith(CookieName + "=", StringComparison.Ordinal)) return pair[(CookieName.Length + 1)..];
        }
        return null;
    }

    private static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim() : null;
}
