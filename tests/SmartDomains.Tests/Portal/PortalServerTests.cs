using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Newtonsoft.Json.Linq;
using SmartDomains.Portal.Server;
using Xunit;

namespace SmartDomains.Tests.Portal;

/// <summary>The server over real HTTP on loopback, with a session that needs no PowerShell.</summary>
public sealed class PortalServerTests : IDisposable
{
    private const string Change = "X-SmartDomains: 1";
    private readonly PortalTempFolder _folder = new();
    private readonly PortalTempFolder _page = new();
    private readonly FakePortalSession _session = new();
    private readonly PortalServer _server;
    private readonly string _auth;

    public PortalServerTests()
    {
        _folder.Write("lab.json", "{ \"name\": \"lab\" }");
        _page.Write("index.html", "<!doctype html><title>portal</title>");
        _server = PortalServer.Start(Options(), _session);
        _auth = "Authorization: Bearer " + _server.Token;
    }

    private PortalOptions Options() => new()
    {
        Folder = _folder.Path, StaticDir = _page.Path, ShippedTemplatesDir = _page.Path,
    };

    public void Dispose()
    {
        _server.Dispose();
        _folder.Dispose();
        _page.Dispose();
    }

    private Task<RawHttp.Answer> Send(string method, string target, string? body = null, params string[] headers) =>
        RawHttp.SendAsync(_server.Port, method, target, headers: headers, body: body);

    private async Task<JObject> Json(string method, string target, string? body = null, int expect = 200)
    {
        var answer = await Send(method, target, body, _auth, Change);
        Assert.True(expect == answer.Status, $"{method} {target}: {answer.Status} {answer.Body}");
        return JObject.Parse(answer.Body);
    }

    [Fact]
    public async Task The_url_opens_the_page_and_leaves_an_httponly_strict_cookie_that_works_alone()
    {
        Assert.Equal("127.0.0.1", _server.Url.Host);
        var first = await Send("GET", _server.Url.PathAndQuery);
        Assert.Equal(200, first.Status);
        Assert.Contains("<title>portal</title>", first.Body);
        var cookie = first.Head.Split("\r\n").Single(l => l.StartsWith("Set-Cookie:", StringComparison.OrdinalIgnoreCase))[11..].Trim();
        Assert.Contains("HttpOnly", cookie);
        Assert.Contains("SameSite=Strict", cookie);
        Assert.Contains("Content-Security-Policy: default-src 'none'", first.Head);
        Assert.Contains("Referrer-Policy: no-referrer", first.Head);
        var again = await Send("GET", "/api/files", null, "Cookie: " + cookie.Split(';')[0]);
        Assert.Equal(200, again.Status);
        Assert.Equal("lab.json", (string)JObject.Parse(again.Body)["files"]![0]!["path"]!);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/files")]
    [InlineData("/api/files/lab.json")]
    [InlineData("/api/status")]
    [InlineData("/api/files/lab.json?token=wrong")]
    public async Task Without_the_token_every_request_is_401(string target)
    {
        var answer = await Send("GET", target);
        Assert.Equal(401, answer.Status);
        Assert.Contains("token", (string)JObject.Parse(answer.Body)["error"]!);
        Assert.Equal(401, (await Send("PUT", target, "{}", Change)).Status);
        Assert.True(_server.Refused >= 2);
    }

    [Fact]
    public async Task A_foreign_host_header_is_refused_and_a_change_needs_the_custom_header()
    {
        // HttpListener itself turns away a Host that names no prefix of it (404); the guard answers 403 to the rest.
        Assert.NotEqual(200, (await RawHttp.SendAsync(_server.Port, "GET", "/api/files", host: "evil.example", headers: new[] { _auth })).Status);
        Assert.Equal(403, (await RawHttp.SendAsync(_server.Port, "GET", "/api/files", host: "127.0.0.1", headers: new[] { _auth })).Status);
        var version = (string)(await Json("GET", "/api/files/lab.json"))["version"]!;
        var body = $"{{\"text\": \"{{}}\", \"version\": \"{version}\"}}";
        var refused = await Send("PUT", "/api/files/lab.json", body, _auth);
        Assert.Equal(403, refused.Status);
        Assert.Contains("X-SmartDomains", refused.Body);
        Assert.Equal(403, (await Send("PUT", "/api/files/lab.json", body, _auth, Change, "Origin: http://evil.example")).Status);
        Assert.Equal("{ \"name\": \"lab\" }", File.ReadAllText(Path.Combine(_folder.Path, "lab.json")));
        Assert.Equal(200, (await Send("PUT", "/api/files/lab.json", body, _auth, Change)).Status);
    }

    [Theory]
    [InlineData("/api/files/../outside.json")]
    [InlineData("/api/files/..%2foutside.json")]
    [InlineData("/api/files/%2e%2e/outside.json")]
    [InlineData("/api/files/%2e%2e%2foutside.json")]
    [InlineData("/api/files/%252e%252e%252foutside.json")]
    [InlineData("/api/files/..%5coutside.json")]
    [InlineData("/api/files/..\\outside.json")]
    [InlineData("/api/files/%2fetc%2fpasswd")]
    [InlineData("/api/files//etc/passwd")]
    [InlineData("/api/files/lab.json%00")]
    [InlineData("/api/files/%c0%ae%c0%ae/outside.json")]
    [InlineData("/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/..\\..\\etc\\passwd")]
    public async Task A_path_outside_the_folder_is_404_whatever_its_encoding(string target)
    {
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_folder.Path)!, "outside.json"), "{\"secret\": 1}");
        var answer = await Send("GET", target, null, _auth);
        Assert.Equal(404, answer.Status);
        Assert.DoesNotContain("secret", answer.Body);
        Assert.DoesNotContain("root:", answer.Body);
        // The page's own files take no PUT (405); the API's refuse the path (404).
        Assert.Contains((await Send("PUT", target, "{\"text\": \"x\", \"version\": \"y\"}", _auth, Change)).Status, new[] { 404, 405 });
    }

    [Fact]
    public async Task Two_saves_of_one_version_give_one_409_with_the_other_text_and_create_refuses_what_exists()
    {
        var opened = await Json("GET", "/api/files/lab.json");
        var version = (string)opened["version"]!;
        await Json("PUT", "/api/files/lab.json", $"{{\"text\": \"{{ \\\"name\\\": \\\"tab one\\\" }}\", \"version\": \"{version}\"}}");
        var refused = await Json("PUT", "/api/files/lab.json", $"{{\"text\": \"{{ \\\"name\\\": \\\"tab two\\\" }}\", \"version\": \"{version}\"}}", 409);
        Assert.Equal("{ \"name\": \"tab one\" }", (string)refused["diskText"]!);
        Assert.Contains("changed on disk", (string)refused["error"]!);
        Assert.Equal("{ \"name\": \"tab one\" }", File.ReadAllText(Path.Combine(_folder.Path, "lab.json")));

        var created = await Json("POST", "/api/files/more/new.json", "{\"text\": \"{}\"}", 201);
        Assert.Equal("more/new.json", (string)created["path"]!);
        await Json("POST", "/api/files/more/new.json", "{\"text\": \"other\"}", 409);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_folder.Path, "more/new.json")));
    }

    [Fact]
    public async Task A_bad_request_or_a_failing_session_is_answered_in_words_and_the_server_goes_on()
    {
        var bad = await Send("PUT", "/api/files/lab.json", "not json", _auth, Change);
        Assert.Equal(400, bad.Status);
        Assert.Contains("not JSON", bad.Body);
        Assert.Equal(400, (await Send("GET", "http://127.0.0.1/api/files", null, _auth)).Status);
        Assert.Equal(404, (await Send("GET", "/api/nothing", null, _auth)).Status);
        var plan = await Send("POST", "/api/plan", "{\"path\": \"lab.json\"}", _auth, Change);
        Assert.Equal(422, plan.Status);
        Assert.Contains("No Xen host is connected", plan.Body);
        _session.HostsFailure = new InvalidOperationException("the session broke");
        var failed = await Send("GET", "/api/hosts", null, _auth);
        Assert.Equal(500, failed.Status);
        Assert.Contains("the session broke", failed.Body);
        Assert.Contains(_server.Errors, e => e.Source == "GET /api/hosts" && e.Message.Contains("the session broke"));
        Assert.Equal(200, (await Send("GET", "/api/status", null, _auth)).Status);
    }

    [Fact]
    public async Task A_run_starts_only_from_its_preview_streams_its_log_and_refuses_a_second_run_of_the_pool()
    {
        var preview = await Json("POST", "/api/runs/preview", "{\"action\": \"start\", \"path\": \"lab.json\"}");
        Assert.StartsWith("What if:", (string)preview["whatIf"]!);
        var previewId = (string)preview["previewId"]!;
        var run = await Json("POST", "/api/runs", $"{{\"previewId\": \"{previewId}\"}}", 202);
        var id = (int)run["id"]!;
        Assert.Equal("Start of lab.json", (string)run["title"]!);
        await Json("POST", "/api/runs", $"{{\"previewId\": \"{previewId}\"}}", 404);

        var second = await Json("POST", "/api/runs/preview", "{\"action\": \"stop\", \"path\": \"lab.json\"}");
        var busy = await Json("POST", "/api/runs", $"{{\"previewId\": \"{second["previewId"]}\"}}", 409);
        Assert.Contains("still running", (string)busy["error"]!);
        var clear = await Json("POST", "/api/runs/preview", "{\"action\": \"clear\"}");
        await Json("POST", "/api/runs", $"{{\"previewId\": \"{clear["previewId"]}\"}}", 409);

        var stream = await SseClient.OpenAsync(_server.Port, $"/api/runs/{id}/events", _auth);
        var seen = new List<(string Kind, JObject Data)>();
        while (seen.Count < 4) seen.Add(await stream.NextAsync());
        Assert.Equal(new[] { "state", "progress", "progress", "output" }, seen.Select(e => e.Kind));
        Assert.Equal(new[] { "emu1", "emu2" }, seen.Where(e => e.Kind == "progress").Select(e => (string)e.Data["host"]!));
        _session.Finish();
        while (seen[^1].Kind != "end") seen.Add(await stream.NextAsync());
        Assert.Equal("error", seen[^3].Kind);
        Assert.Equal("Failed", (string)seen[^2].Data["text"]!);
        Assert.Equal("Failed", (string)seen[^1].Data["state"]!);
        stream.Dispose();

        var log = await Json("GET", $"/api/runs/{id}");
        Assert.Equal(seen.Count - 1, ((JArray)log["log"]!).Count);
        Assert.Contains(_server.Errors, e => e.Message == "[emu2] emu2 dropped the connection" && e.Source.StartsWith($"run {id} "));
        // A reconnecting stream goes on after the last id it saw.
        var resumed = await SseClient.OpenAsync(_server.Port, $"/api/runs/{id}/events", _auth, "Last-Event-ID: 5");
        Assert.Equal(6, (int)(await resumed.NextAsync()).Data["seq"]!);
        resumed.Dispose();
        await Json("POST", "/api/runs", $"{{\"previewId\": \"{second["previewId"]}\"}}", 404);
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_ends_only_its_stream()
    {
        var preview = await Json("POST", "/api/runs/preview", "{\"action\": \"sync\", \"path\": \"lab.json\"}");
        var id = (int)(await Json("POST", "/api/runs", $"{{\"previewId\": \"{preview["previewId"]}\"}}", 202))["id"]!;
        var stream = await SseClient.OpenAsync(_server.Port, $"/api/runs/{id}/events", _auth);
        await stream.NextAsync();
        stream.Dispose();   // the tab closes while the run goes on
        _session.Finish();
        var again = await SseClient.OpenAsync(_server.Port, $"/api/runs/{id}/events", _auth);
        (string Kind, JObject Data) last;
        do last = await again.NextAsync(); while (last.Kind != "end");
        again.Dispose();
        Assert.Equal(200, (await Send("GET", "/api/status", null, _auth)).Status);
        Assert.DoesNotContain(_server.Errors, e => e.Source.StartsWith("GET "));
    }

    [Fact]
    public async Task Stop_ends_the_runs_and_frees_the_port()
    {
        var preview = await Json("POST", "/api/runs/preview", "{\"action\": \"start\", \"path\": \"lab.json\"}");
        await Json("POST", "/api/runs", $"{{\"previewId\": \"{preview["previewId"]}\"}}", 202);
        var port = _server.Port;
        _server.Stop();
        Assert.False(_server.IsRunning);
        Assert.Equal(PortalRunState.Stopped, _server.Runs.Single().State);
        var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start();
        probe.Stop();
    }

    [Fact]
    public void Listening_beyond_loopback_needs_a_certificate()
    {
        var ex = Assert.Throws<PortalStartException>(() => PortalServer.Start(Options() with { ListenAddress = IPAddress.Any }, _session));
        Assert.Equal(XenErrorIds.PortalAddressRefused, ex.ErrorId);
        Assert.Contains("HTTPS", ex.Message);
        var missing = Assert.Throws<PortalStartException>(() => PortalServer.Start(Options() with { Folder = _folder.Path + "-none" }, _session));
        Assert.Equal(XenErrorIds.PortalPathNotFound, missing.ErrorId);
        var taken = Assert.Throws<PortalStartException>(() => PortalServer.Start(Options() with { Port = _server.Port }, _session));
        Assert.Equal(XenErrorIds.PortalStartFailed, taken.ErrorId);
    }

    [Fact]
    public async Task With_a_certificate_it_speaks_https_and_checks_the_host_the_client_named()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("portal.test");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(1));
        using var server = PortalServer.Start(Options() with { Certificate = certificate }, _session);
        Assert.Equal("https", server.Url.Scheme);
        Assert.True(server.Secure);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert!.Thumbprint == certificate.Thumbprint };
        using var client = new HttpClient(handler);
        var page = await client.GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Secure", string.Join(" ", page.Headers.GetValues("Set-Cookie")));
        var put = new HttpRequestMessage(HttpMethod.Put, new Uri(server.Url, "/api/files/lab.json")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        put.Headers.Add("Authorization", "Bearer " + server.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(put)).StatusCode);
        var files = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/api/files"));
        files.Headers.Add("Authorization", "Bearer " + server.Token);
        files.Headers.Host = $"portal.test:{server.Port}";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(files)).StatusCode);
        var foreign = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/api/files"));
        foreign.Headers.Add("Authorization", "Bearer " + server.Token);
        foreign.Headers.Host = $"evil.example:{server.Port}";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreign)).StatusCode);
        // Plain HTTP to the HTTPS port gets no answer.
        await Assert.ThrowsAnyAsync<Exception>(() => RawHttp.SendAsync(server.Port, "GET", "/api/files", headers: new[] { "Authorization: Bearer " + server.Token }));
    }
}
