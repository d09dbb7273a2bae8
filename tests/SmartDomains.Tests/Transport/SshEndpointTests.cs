using SmartDomains.Hosts;
using SmartDomains.Transport.OpenSsh;
using Xunit;

namespace SmartDomains.Tests.Transport;

/// <summary>Explicit parameters, then the ssh config, then the module's defaults.</summary>
public sealed class SshEndpointTests
{
    private static readonly SshHostConfig Alias = new()
    {
        HostName = "10.0.0.5", Port = 2222, User = "admin", IdentityFiles = new[] { "~/.ssh/dom0_key", "%d/.ssh/other" },
    };
    private static readonly SshHostConfig Nothing = new()
    {
        HostName = "dom0b", Port = 22, User = "op", IdentityFiles = new[] { "~/.ssh/id_rsa", "~/.ssh/id_ed25519" },
    };

    private static SshEndpoint Resolve(SshHostConfig? config, int? port = null, string? user = null, string? key = null,
        HostTransport transport = HostTransport.SshNet, bool credential = false, params string[] existing) =>
        SshEndpoint.Resolve("dom0a", config, port, user, key, transport, credential, "/home/op", "op", existing.Contains);

    [Fact]
    public void The_config_s_values_apply_when_no_parameter_is_given() =>
        Assert.Equal(new SshEndpoint("10.0.0.5", 2222, "admin", "/home/op/.ssh/other"), Resolve(Alias, existing: "/home/op/.ssh/other"));

    [Fact]
    public void Explicit_parameters_win() =>
        Assert.Equal(new SshEndpoint("10.0.0.5", 22, "root", "/k"), Resolve(Alias, port: 22, user: "root", key: "/k"));

    [Fact]
    public void A_config_that_sets_no_user_leaves_the_module_s_root_not_the_local_login()
    {
        Assert.Equal("root", Resolve(Nothing).User);
        Assert.Equal("root", Resolve(null).User);
    }

    [Fact]
    public void SshNet_without_a_configured_key_takes_the_first_default_key_unless_a_password_is_given()
    {
        Assert.Equal("/home/op/.ssh/id_ecdsa", Resolve(Nothing, existing: new[] { "/home/op/.ssh/id_ecdsa", "/home/op/.ssh/id_rsa" }).KeyFile);
        Assert.Null(Resolve(Nothing, credential: true, existing: "/home/op/.ssh/id_rsa").KeyFile);
        Assert.Equal("/home/op/.ssh/id_rsa", Resolve(Alias, existing: "/home/op/.ssh/id_rsa").KeyFile);
    }

    [Fact]
    public void OpenSSH_is_given_a_key_only_when_minus_KeyFile_names_one()
    {
        Assert.Null(Resolve(Alias, transport: HostTransport.OpenSSH, existing: "/home/op/.ssh/dom0_key").KeyFile);
        Assert.Equal("/k", Resolve(Alias, key: "/k", transport: HostTransport.OpenSSH).KeyFile);
    }

    [Fact]
    public void Without_an_ssh_client_the_name_is_the_address()
    {
        var endpoint = Resolve(null);
        Assert.Equal(("dom0a", 22), (endpoint.ComputerName, endpoint.Port));
    }
}
