using SmartDomains.Hosts;
using SmartDomains.Transport.OpenSsh;
using Xunit;

namespace SmartDomains.Tests.Transport;

/// <summary>The argv of the transport's ssh processes: every value one element, the policies as ssh's own options.</summary>
public sealed class SshArgumentsTests : IDisposable
{
    private readonly ControlDirectory _dir = ControlDirectory.Create();

    public void Dispose() => _dir.Dispose();

    private SshArguments Args(HostKeyPolicy? policy = null, bool knownHostsGiven = false, string? keyFile = null, string? config = null) =>
        new(new HostConnectionInfo
        {
            Name = "dom0a", ComputerName = "10.0.0.5", ConfigHost = "dom0a", Port = 2222, User = "admin", Transport = HostTransport.OpenSSH,
            HostKeyPolicy = policy ?? HostKeyPolicy.Strict, KnownHostsFile = "/home/op/my known_hosts", KnownHostsFileGiven = knownHostsGiven,
            KeyFile = keyFile, SshConfigFile = config, ConnectTimeout = TimeSpan.FromSeconds(2.5),
        }, _dir);

    private static string? Option(IReadOnlyList<string> argv, string name) =>
        argv.Select((a, i) => (a, i)).Where(p => p.a == "-o" && argv[p.i + 1].StartsWith(name + "=", StringComparison.Ordinal))
            .Select(p => argv[p.i + 1][(name.Length + 1)..]).LastOrDefault();

    [Fact]
    public void The_master_runs_in_batch_mode_on_a_private_socket_and_connects_to_the_alias_after_the_options()
    {
        var argv = Args(config: "/home/op/ssh config").Master();
        Assert.Equal(new[] { "-F", "/home/op/ssh config" }, argv.Take(2));
        Assert.Equal("yes", Option(argv, "BatchMode"));
        Assert.Equal("yes", Option(argv, "ControlMaster"));
        Assert.Equal(_dir.Socket, Option(argv, "ControlPath"));
        Assert.Equal("3", Option(argv, "ConnectTimeout"));
        Assert.Equal("yes", Option(argv, "ClearAllForwardings"));
        Assert.Equal("no", Option(argv, "ForwardAgent"));
        Assert.Equal(new[] { "-l", "admin", "-p", "2222", "-f", "-N", "-T", "--", "dom0a" }, argv.TakeLast(9));
    }

    [Fact]
    public void The_master_leaves_the_login_methods_to_the_config_so_a_Kerberos_ticket_logs_in_as_in_a_terminal()
    {
        // No method is forced or forbidden: GSSAPIAuthentication (Kerberos), an agent or a certificate work as the config says.
        var argv = Args(config: "/home/op/cfg").Master();
        foreach (var option in new[] { "PreferredAuthentications", "PubkeyAuthentication", "GSSAPIAuthentication", "IdentitiesOnly", "IdentityAgent", "IdentityFile" })
            Assert.Null(Option(argv, option));
        // BatchMode only stops prompts: gssapi-with-mic asks nothing, so it stays on.
        Assert.Equal("yes", Option(argv, "BatchMode"));
    }

    [Fact]
    public void Every_ssh_inherits_the_ticket_cache_and_realm_from_the_environment()
    {
        if (OpenSshClient.Ssh is null) return;   // StartInfo needs an ssh client on PATH
        var saved = (Environment.GetEnvironmentVariable("KRB5CCNAME"), Environment.GetEnvironmentVariable("KRB5_CONFIG"));
        Environment.SetEnvironmentVariable("KRB5CCNAME", "FILE:/tmp/sd-test-ccache");
        Environment.SetEnvironmentVariable("KRB5_CONFIG", "/tmp/sd-test-krb5.conf");
        try
        {
            var psi = OpenSshClient.StartInfo(Args().Master());
            Assert.Equal("FILE:/tmp/sd-test-ccache", psi.Environment["KRB5CCNAME"]);
            Assert.Equal("/tmp/sd-test-krb5.conf", psi.Environment["KRB5_CONFIG"]);
            Assert.Equal("never", psi.Environment["SSH_ASKPASS_REQUIRE"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KRB5CCNAME", saved.Item1);
            Environment.SetEnvironmentVariable("KRB5_CONFIG", saved.Item2);
        }
    }

    [Fact]
    public void Strict_and_AcceptNew_leave_the_config_s_known_hosts_files_alone_unless_one_is_given()
    {
        var strict = Args().Master();
        Assert.Equal("yes", Option(strict, "StrictHostKeyChecking"));
        Assert.Null(Option(strict, "UserKnownHostsFile"));
        var given = Args(HostKeyPolicy.AcceptNew, knownHostsGiven: true).Master();
        Assert.Equal("accept-new", Option(given, "StrictHostKeyChecking"));
        Assert.Equal("\"/home/op/my known_hosts\"", Option(given, "UserKnownHostsFile"));
        Assert.Equal("none", Option(given, "GlobalKnownHostsFile"));
        Assert.Equal("no", Option(given, "UpdateHostKeys"));
    }

    [Fact]
    public void A_pin_reads_no_known_hosts_file_and_is_answered_by_the_host_key_command_only()
    {
        var argv = Args(HostKeyPolicy.Parse("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"), knownHostsGiven: true).Master();
        Assert.Equal("yes", Option(argv, "StrictHostKeyChecking"));
        Assert.Equal("none", Option(argv, "UserKnownHostsFile"));
        Assert.Equal("none", Option(argv, "GlobalKnownHostsFile"));
        var command = Option(argv, "KnownHostsCommand")!;
        Assert.StartsWith("/bin/sh -c '", command);
        Assert.EndsWith($" sh {_dir.HostKeyRecord} SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU %f %H %t %K", command);
        Assert.EndsWith(" none %f %H %t %K", Option(Args().Master(), "KnownHostsCommand"));
    }

    [Fact]
    public void A_key_file_is_one_quoted_value_with_its_percent_signs_kept_literal() =>
        Assert.Equal("\"/home/op/keys/100%%\\\"x\"", Option(Args(keyFile: "/home/op/keys/100%\"x").Master(), "IdentityFile"));

    [Fact]
    public void Paths_are_quoted_for_ssh_s_value_parser()
    {
        Assert.Equal("\"/a b/c%%d\\\\e\\\"f\"", SshArguments.Quoted("/a b/c%d\\e\"f"));
    }

    [Fact]
    public void A_command_is_one_argument_after_the_destination_and_the_client_cannot_fall_back_to_a_handshake()
    {
        const string Hostile = "xl domid 'x; touch /tmp/pwned'";
        var argv = Args(config: "/home/op/cfg").Command(Hostile);
        Assert.Equal(new[] { "-F", "/dev/null" }, argv.Take(2));
        Assert.Equal("no", Option(argv, "ControlMaster"));
        Assert.Equal(_dir.Socket, Option(argv, "ControlPath"));
        Assert.Equal("false", Option(argv, "ProxyCommand"));
        Assert.Equal(new[] { "-e", "none", "-T", "--", "dom0a", Hostile }, argv.TakeLast(6));
    }

    [Fact]
    public void Sftp_and_control_requests_ride_the_same_socket()
    {
        Assert.Equal(new[] { "-T", "-s", "--", "dom0a", "sftp" }, Args().Subsystem("sftp").TakeLast(5));
        Assert.Equal(new[] { "-F", "/dev/null", "-o", "ControlPath=" + _dir.Socket, "-O", "check", "--", "dom0a" }, Args().Control("check"));
        Assert.Equal(new[] { "-F", "/c", "-G", "--", "-oProxyCommand=x" }, SshArguments.Query("-oProxyCommand=x", "/c"));
    }

    [Fact]
    public void The_control_directory_is_private_to_this_user()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir.Path));
        Assert.True(_dir.Socket.Length < 90, "room for ssh's temporary socket name");
    }
}
