using SmartDomains.Hosts;
using SmartDomains.Transport.OpenSsh;
using Xunit;

namespace SmartDomains.Tests.Transport;

/// <summary>ssh's stderr on a failed connect (captured, Samples/ssh/SOURCES.md) and the module's error for it.</summary>
public sealed class SshFailureTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "ssh", name));

    private static HostConnectionInfo Info(HostKeyPolicy? policy = null, bool knownHostsGiven = true) => new()
    {
        Name = "dom0a", ComputerName = "10.231.1.2", ConfigHost = "dom0a", Transport = HostTransport.OpenSSH,
        HostKeyPolicy = policy ?? HostKeyPolicy.Strict, KnownHostsFile = "/home/op/kh", KnownHostsFileGiven = knownHostsGiven,
    };

    [Theory]
    [InlineData("stderr-changed.txt", SshFailureKind.HostKeyChanged)]
    [InlineData("stderr-unknown.txt", SshFailureKind.HostKeyUnknown)]
    [InlineData("stderr-pin.txt", SshFailureKind.HostKeyUnknown)]
    [InlineData("stderr-auth.txt", SshFailureKind.AuthenticationRefused)]
    [InlineData("stderr-refused.txt", SshFailureKind.Unreachable)]
    [InlineData("stderr-resolve.txt", SshFailureKind.Unreachable)]
    [InlineData("stderr-timeout.txt", SshFailureKind.Unreachable)]
    [InlineData("stderr-jump-refused.txt", SshFailureKind.Unreachable)]
    public void Each_failure_is_told_by_ssh_s_own_words(string sample, SshFailureKind kind) =>
        Assert.Equal(kind, SshFailure.Classify(Sample(sample)));

    [Theory]
    [InlineData("stderr-changed.txt", XenErrorIds.HostKeyMismatch, "has CHANGED")]
    [InlineData("stderr-unknown.txt", XenErrorIds.HostKeyUnknown, "is not in /home/op/kh, and the policy is Strict")]
    [InlineData("stderr-auth.txt", XenErrorIds.AuthenticationFailed, "Permission denied (publickey)")]
    [InlineData("stderr-timeout.txt", XenErrorIds.HostUnreachable, "Connection timed out")]
    [InlineData("stderr-jump-refused.txt", XenErrorIds.HostUnreachable, "port 2222: Connection refused")]
    public void Each_failure_gets_the_ssh_net_error_id_with_ssh_s_message(string sample, string errorId, string text)
    {
        var error = SshFailure.ToException(Info(), Sample(sample), "lJYANEIkiXKR2Eo+bN1dEpFnIhDM1CLxZTu1yeiYdvw");
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(text, error.Message);
        Assert.Contains("root@10.231.1.2:22 (ssh config host dom0a)", error.Message);
        Assert.Equal("dom0a", error.Host);
    }

    [Fact]
    public void A_failed_verification_under_a_pin_is_a_mismatch_naming_both_fingerprints()
    {
        var pin = HostKeyPolicy.Parse("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
        var error = SshFailure.ToException(Info(pin), Sample("stderr-pin.txt"), "lJYANEIkiXKR2Eo+bN1dEpFnIhDM1CLxZTu1yeiYdvw");
        Assert.Equal(XenErrorIds.HostKeyMismatch, error.ErrorId);
        Assert.Contains("is SHA256:lJYANEIkiXKR2Eo+bN1dEpFnIhDM1CLxZTu1yeiYdvw, not the pinned SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", error.Message);
    }

    [Fact]
    public void Without_minus_KnownHostsFile_the_error_names_the_config_s_files() =>
        Assert.Contains("the known_hosts files of the ssh config", SshFailure.ToException(Info(knownHostsGiven: false), Sample("stderr-unknown.txt"), "x").Message);

    [Fact]
    public void The_warning_banner_s_frame_and_carriage_returns_are_left_out_of_the_message()
    {
        var clean = SshFailure.Clean(Sample("stderr-changed.txt").Replace("\n", "\r\n"));
        Assert.StartsWith("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!", clean);
        Assert.DoesNotContain("@@", clean);
        Assert.DoesNotContain("\r", clean);
        Assert.EndsWith("Host key verification failed.", clean);
    }
}
