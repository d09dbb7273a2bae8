using SmartDomains.Portal.Server;
using Xunit;

namespace SmartDomains.Tests.Portal;

public sealed class RequestGuardTests
{
    private const string Host = "127.0.0.1:8123";
    private static readonly string Token = RequestGuard.NewToken();
    private readonly RequestGuard _guard = new(Token, "smartdomains-portal-8123", "http", new[] { Host });

    private static GuardInput Get(string? query = null, string? cookie = null, string? bearer = null, string host = Host) =>
        new("GET", host, query, cookie, bearer is null ? null : "Bearer " + bearer, null, null);

    private static GuardInput Change(string method, string? custom, string? origin = null) =>
        new(method, Host, null, $"other=1; smartdomains-portal-8123={Token}", null, custom, origin);

    [Fact]
    public void Tokens_are_random_and_url_safe()
    {
        var a = RequestGuard.NewToken();
        Assert.NotEqual(a, RequestGuard.NewToken());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a);
    }

    [Fact]
    public void No_token_or_a_wrong_one_is_401()
    {
        Assert.Equal(401, _guard.Check(Get()).Status);
        Assert.Equal(401, _guard.Check(Get(query: Token[..^1])).Status);
        Assert.Equal(401, _guard.Check(Get(query: Token + "x")).Status);
        Assert.Equal(401, _guard.Check(Get(cookie: $"smartdomains-portal-9999={Token}")).Status);
        Assert.Equal(401, _guard.Check(Get(bearer: "nope")).Status);
        Assert.Contains("token", _guard.Check(Get()).Reason);
    }

    [Fact]
    public void The_token_comes_in_the_query_the_cookie_or_a_bearer_header()
    {
        var first = _guard.Check(Get(query: Token));
        Assert.True(first.Allowed);
        Assert.True(first.TokenFromQuery);
        Assert.True(_guard.Check(Get(cookie: $"a=b; smartdomains-portal-8123={Token}")).Allowed);
        Assert.False(_guard.Check(Get(cookie: $"smartdomains-portal-8123={Token}")).TokenFromQuery);
        Assert.True(_guard.Check(Get(bearer: Token)).Allowed);
        Assert.Contains("HttpOnly; SameSite=Strict", _guard.CookieHeader(secure: false));
        Assert.EndsWith("; Secure", _guard.CookieHeader(secure: true));
    }

    [Fact]
    public void A_foreign_host_is_403_even_with_the_token()
    {
        var decision = _guard.Check(Get(query: Token, host: "evil.example:8123"));
        Assert.Equal(403, decision.Status);
        Assert.Contains("127.0.0.1:8123", decision.Reason);
        Assert.Equal(403, _guard.Check(Get(query: Token, host: "127.0.0.1")).Status);
        Assert.Equal(403, _guard.Check(new GuardInput("GET", null, Token, null, null, null, null)).Status);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public void A_change_needs_the_custom_header_and_no_foreign_origin(string method)
    {
        Assert.Equal(403, _guard.Check(Change(method, null)).Status);
        Assert.Equal(403, _guard.Check(Change(method, "0")).Status);
        Assert.True(_guard.Check(Change(method, "1")).Allowed);
        Assert.True(_guard.Check(Change(method, "1", "http://127.0.0.1:8123")).Allowed);
        Assert.Equal(403, _guard.Check(Change(method, "1", "http://evil.example")).Status);
        Assert.Equal(403, _guard.Check(Change(method, "1", "null")).Status);
    }

    [Fact]
    public void A_change_without_the_token_is_401_before_the_header_is_looked_at()
    {
        Assert.Equal(401, _guard.Check(new GuardInput("POST", Host, null, null, null, null, null)).Status);
    }

    [Fact]
    public void Secrets_compare_whole()
    {
        Assert.True(RequestGuard.SameSecret("abc", "abc"));
        Assert.False(RequestGuard.SameSecret("ab", "abc"));
        Assert.False(RequestGuard.SameSecret(null, "abc"));
    }
}
