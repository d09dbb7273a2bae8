using System.Security.Cryptography;
using System.Text;
using SmartDomains.Hosts;
using Xunit;

namespace SmartDomains.Tests.Core;

public sealed class HostKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-kh-").FullName;
    private static readonly byte[] KeyA = Encoding.ASCII.GetBytes("\0\0\0\vssh-ed25519 key-a-material");
    private static readonly byte[] KeyB = Encoding.ASCII.GetBytes("\0\0\0\vssh-ed25519 key-b-material");

    public void Dispose() => Directory.Delete(_dir, true);

    private string KnownHosts(params string[] lines)
    {
        var path = Path.Combine(_dir, "known_hosts");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Line(string host, byte[] key) => $"{host} ssh-ed25519 {Convert.ToBase64String(key)}";

    [Fact]
    public void Fingerprint_is_unpadded_base64_sha256_like_ssh_keygen() =>
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(KeyA)).TrimEnd('='), KnownHostsFile.Fingerprint(KeyA));

    [Theory]
    [InlineData("Strict", HostKeyPolicyKind.Strict)]
    [InlineData("acceptnew", HostKeyPolicyKind.AcceptNew)]
    [InlineData("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", HostKeyPolicyKind.Pinned)]
    [InlineData("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", HostKeyPolicyKind.Pinned)]
    public void Policies_parse(string text, HostKeyPolicyKind kind) => Assert.Equal(kind, HostKeyPolicy.Parse(text).Kind);

    [Theory]
    [InlineData("Sometimes")]
    [InlineData("SHA256:tooshort")]
    [InlineData("MD5:aa:bb")]
    public void Bad_policies_are_refused_with_advice(string text) =>
        Assert.Contains("Strict, AcceptNew", Assert.Throws<ArgumentException>(() => HostKeyPolicy.Parse(text)).Message);

    [Fact]
    public void Strict_trusts_a_known_key_and_refuses_an_unknown_host()
    {
        var file = new KnownHostsFile(KnownHosts("# comment", Line("10.0.0.1", KeyA)));
        var strict = new HostKeyVerifier(HostKeyPolicy.Strict, file);
        Assert.Equal(HostKeyVerdict.Trusted, strict.Verify("10.0.0.1", 22, "ssh-ed25519", KeyA));
        Assert.Equal(HostKeyVerdict.Unknown, strict.Verify("10.0.0.2", 22, "ssh-ed25519", KeyA));
    }

    [Theory]
    [InlineData("Strict")]
    [InlineData("AcceptNew")]
    public void A_changed_key_is_a_mismatch_under_both_policies_and_known_hosts_is_untouched(string policy)
    {
        var path = KnownHosts(Line("10.0.0.1", KeyA));
        var before = File.ReadAllText(path);
        var verdict = new HostKeyVerifier(HostKeyPolicy.Parse(policy), new KnownHostsFile(path)).Verify("10.0.0.1", 22, "ssh-ed25519", KeyB);
        Assert.Equal(HostKeyVerdict.Mismatch, verdict);
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public void AcceptNew_records_a_new_host_in_openssh_format_with_the_port_form()
    {
        var path = Path.Combine(_dir, "sub", "known_hosts");
        var verifier = new HostKeyVerifier(HostKeyPolicy.AcceptNew, new KnownHostsFile(path));
        Assert.Equal(HostKeyVerdict.TrustedAndRecorded, verifier.Verify("10.0.0.9", 2222, "ssh-ed25519", KeyA));
        Assert.Equal(Line("[10.0.0.9]:2222", KeyA), File.ReadAllLines(path).Single());
        Assert.Equal(HostKeyVerdict.Trusted, new HostKeyVerifier(HostKeyPolicy.Strict, new KnownHostsFile(path)).Verify("10.0.0.9", 2222, "ssh-ed25519", KeyA));
        Assert.Equal(HostKeyVerdict.Unknown, new HostKeyVerifier(HostKeyPolicy.Strict, new KnownHostsFile(path)).Verify("10.0.0.9", 22, "ssh-ed25519", KeyA));
    }

    [Fact]
    public void A_pin_decides_alone()
    {
        var path = KnownHosts(Line("10.0.0.1", KeyA));
        var pinB = HostKeyPolicy.Parse("SHA256:" + KnownHostsFile.Fingerprint(KeyB));
        Assert.Equal(HostKeyVerdict.Trusted, new HostKeyVerifier(pinB, new KnownHostsFile(path)).Verify("10.0.0.1", 22, "ssh-ed25519", KeyB));
        Assert.Equal(HostKeyVerdict.PinMismatch, new HostKeyVerifier(pinB, new KnownHostsFile(path)).Verify("10.0.0.1", 22, "ssh-ed25519", KeyA));
    }

    [Fact]
    public void Hashed_host_entries_and_patterns_match_as_in_openssh()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        using var hmac = new HMACSHA1(salt);
        var hashed = $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes("dom0-a")))}";
        var file = new KnownHostsFile(KnownHosts(Line(hashed, KeyA), Line("dom0-*,!dom0-x", KeyB)));
        Assert.Single(file.Find("dom0-a", 22).Where(e => e.Key.SequenceEqual(KeyA)));
        Assert.Single(file.Find("dom0-b", 22));
        Assert.Empty(file.Find("dom0-x", 22));
    }
}
