using SmartDomains.Portal.Server;
using Xunit;

namespace SmartDomains.Tests.Portal;

/// <summary>Every way a request could name a file outside the portal's folder, as it arrives on the wire (still encoded).</summary>
public sealed class PortalPathResolverTests : IDisposable
{
    private readonly PortalTempFolder _folder = new();
    private readonly string _outside;
    private readonly PortalPathResolver _resolver;

    public PortalPathResolverTests()
    {
        _folder.Write("pools/lab.json", "{}");
        _folder.Write("lib.json", "{}");
        _outside = Path.Combine(Path.GetTempPath(), "sd-portal-outside-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.json"), "{\"secret\": true}");
        _resolver = new PortalPathResolver(Path.Combine(_folder.Path, "pools"));
    }

    public void Dispose()
    {
        _folder.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    /// <summary>What the server does with the raw path of /api/files/RAW: one decoding, then the resolver.</summary>
    private string? Resolve(string raw) => RequestTarget.Decode(raw, plusIsSpace: false) is { } decoded ? _resolver.Resolve(decoded) : null;

    [Theory]
    [InlineData("../lib.json")]
    [InlineData("..%2flib.json")]
    [InlineData("..%2Flib.json")]
    [InlineData("%2e%2e/lib.json")]
    [InlineData("%2E%2E%2Flib.json")]
    [InlineData(".%2e/lib.json")]
    [InlineData("%252e%252e/lib.json")]
    [InlineData("%252e%252e%252flib.json")]
    [InlineData("..%5clib.json")]
    [InlineData("..\\lib.json")]
    [InlineData("a/../../lib.json")]
    [InlineData("a/%2e%2e/%2e%2e/lib.json")]
    [InlineData("/etc/passwd")]
    [InlineData("%2fetc%2fpasswd")]
    [InlineData("//etc/passwd")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("C:%5cWindows%5cwin.ini")]
    [InlineData("\\\\server\\share\\x.json")]
    [InlineData("lab.json%00.png")]
    [InlineData("lab.json\0")]
    [InlineData("%c0%ae%c0%ae/lib.json")]          // overlong UTF-8 for '.', which a lax decoder turns into ".."
    [InlineData("%e0%80%ae%e0%80%ae/lib.json")]
    [InlineData("%ed%a0%80.json")]                  // a UTF-8 encoded surrogate
    [InlineData("%zz.json")]
    [InlineData("lab.json%")]
    [InlineData("./lab.json")]
    [InlineData("a//lab.json")]
    [InlineData("lab.json/")]
    [InlineData(".hidden.json")]
    [InlineData(".lab.json.ABC.saving")]
    [InlineData("lab.json.")]
    [InlineData("lab.json ")]
    [InlineData("lab.json:stream")]
    [InlineData("CON.json")]
    [InlineData("nul")]
    [InlineData("%0alab.json")]
    [InlineData("")]
    public void Refuses_every_path_that_is_not_a_plain_name_inside(string raw) => Assert.Null(Resolve(raw));

    [Theory]
    [InlineData("lab.json", "lab.json")]
    [InlineData("sub/new.json", "sub/new.json")]
    [InlineData("with%20space.json", "with space.json")]
    [InlineData("caf%C3%A9.json", "café.json")]
    [InlineData("a+b.json", "a+b.json")]
    [InlineData("x..y.json", "x..y.json")]
    public void Resolves_plain_names_inside_the_folder(string raw, string expected) =>
        Assert.Equal(Path.Combine(_resolver.Root, expected), Resolve(raw));

    [Fact]
    public void A_symbolic_link_that_leaves_the_folder_is_refused_wherever_it_sits_on_the_way()
    {
        var pools = _resolver.Root;
        File.CreateSymbolicLink(Path.Combine(pools, "leak.json"), Path.Combine(_outside, "secret.json"));
        Directory.CreateSymbolicLink(Path.Combine(pools, "out"), _outside);
        Directory.CreateSymbolicLink(Path.Combine(pools, "up"), "..");
        // A link inside the folder whose target passes through another link that leads out.
        File.CreateSymbolicLink(Path.Combine(pools, "chained.json"), "out/secret.json");
        Assert.Null(_resolver.Resolve("leak.json"));
        Assert.Null(_resolver.Resolve("out/secret.json"));
        Assert.Null(_resolver.Resolve("out/new.json"));
        Assert.Null(_resolver.Resolve("up/lib.json"));
        Assert.Null(_resolver.Resolve("chained.json"));
    }

    [Fact]
    public void A_symbolic_link_that_stays_inside_is_followed_and_a_loop_is_refused()
    {
        var pools = _resolver.Root;
        Directory.CreateDirectory(Path.Combine(pools, "real"));
        File.WriteAllText(Path.Combine(pools, "real/x.json"), "{}");
        Directory.CreateSymbolicLink(Path.Combine(pools, "alias"), "real");
        File.CreateSymbolicLink(Path.Combine(pools, "loop-a.json"), "loop-b.json");
        File.CreateSymbolicLink(Path.Combine(pools, "loop-b.json"), "loop-a.json");
        Assert.Equal(Path.Combine(pools, "alias", "x.json"), _resolver.Resolve("alias/x.json"));
        Assert.Null(_resolver.Resolve("loop-a.json"));
    }

    [Fact]
    public void A_folder_reached_through_a_link_is_compared_by_its_real_path()
    {
        // /tmp may itself be a link (macOS); the root's own links do not count against the files inside it.
        var linkedRoot = _folder.Path + "-link";
        Directory.CreateSymbolicLink(linkedRoot, _folder.Path);
        try
        {
            var resolver = new PortalPathResolver(linkedRoot);
            Assert.Equal(Path.Combine(linkedRoot, "lib.json"), resolver.Resolve("lib.json"));
            Assert.Null(resolver.Resolve("../" + Path.GetFileName(_folder.Path) + "/lib.json"));
        }
        finally { Directory.Delete(linkedRoot); }
    }

    [Fact]
    public void Decoding_happens_once_and_strictly()
    {
        Assert.Equal("%2e", RequestTarget.Decode("%252e", plusIsSpace: false));
        Assert.Null(RequestTarget.Decode("%2", plusIsSpace: false));
        Assert.Null(RequestTarget.Decode("%c0%ae", plusIsSpace: false));
        Assert.Equal("a b", RequestTarget.Decode("a+b", plusIsSpace: true));
        Assert.Equal("a+b", RequestTarget.Decode("a+b", plusIsSpace: false));
        var target = RequestTarget.Parse("/api/files/x%2Fy.json?token=abc&repository=saved%20images")!;
        Assert.Equal("/api/files/x%2Fy.json", target.RawPath);
        Assert.Equal("x/y.json", target.DecodedAfter("/api/files/"));
        Assert.Equal("abc", target.Query("token"));
        Assert.Equal("saved images", target.Query("repository"));
        Assert.Null(RequestTarget.Parse("http://evil.example/x"));
        Assert.Null(RequestTarget.Parse("*"));
    }
}
