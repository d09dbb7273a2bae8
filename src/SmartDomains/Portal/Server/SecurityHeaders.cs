using System.Net;

namespace SmartDomains.Portal.Server;

/// <summary>
/// Headers on every answer: the page loads only its own scripts and connects only to itself (no CDN, nothing external), is
/// never framed, sends no Referer (the first Url carries the token), and nothing is cached.
/// </summary>
internal static class SecurityHeaders
{
    // CodeMirror adds its styles as <style> elements, hence 'unsafe-inline' for styles only; scripts stay 'self'.
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Apply(HttpListenerResponse response)
    {
        response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cache-Control"] = "no-store";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
