using SmartDomains.Transport.OpenSsh;
using Xunit;

namespace SmartDomains.Tests.Transport;

/// <summary>ssh -G's output, as OpenSSH 9.2 prints it (Samples/ssh/SOURCES.md).</summary>
public sealed class SshHostConfigTests
{
    private static SshHostConfig Sample(string name) => SshHostConfig.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "ssh", name)));

    [Fact]
    public void An_alias_gives_its_host_name_port_user_identity_files_and_jump()
    {
        var config = Sample("G-alias.txt");
        Assert.Equal("10.231.1.2", config.HostName);
        Assert.Equal(2222, config.Port);
        Assert.Equal("admin", config.User);
        Assert.Equal(new[] { "~/.ssh/dom0_key", "%d/other_%u_%h" }, config.IdentityFiles);
        Assert.True(config.SetsIdentityFiles);
        Assert.Equal("bastion", config.ProxyJump);
        Assert.Null(config.ProxyCommand);
        Assert.True(config.UsesProxy);
    }

    [Fact]
    public void A_plain_address_gets_ssh_defaults_and_its_built_in_identity_list_counts_as_none()
    {
        var config = Sample("G-plain.txt");
        Assert.Equal("10.0.0.5", config.HostName);
        Assert.Equal(22, config.Port);
        Assert.Contains("~/.ssh/id_ed25519", config.IdentityFiles);
        Assert.False(config.SetsIdentityFiles);
        Assert.False(config.UsesProxy);
    }

    [Fact]
    public void Identity_paths_expand_as_ssh_expands_them()
    {
        var config = Sample("G-alias.txt");
        Assert.Equal("/home/op/.ssh/dom0_key", config.ExpandPath("~/.ssh/dom0_key", "/home/op", "op"));
        Assert.Equal("/home/op/other_op_10.231.1.2", config.ExpandPath("%d/other_%u_%h", "/home/op", "op"));
        Assert.Equal("/k/admin%x%l", config.ExpandPath("/k/%r%%x%l", "/home/op", "op"));
    }

    [Fact]
    public void Crlf_lines_keyword_case_and_none_values_are_read_as_ssh_means_them()
    {
        var config = SshHostConfig.Parse("host x\r\nUser u\r\nhostname h\r\nport 2200\r\nproxyjump none\r\nproxycommand none\r\n");
        Assert.Equal(("h", 2200, "u"), (config.HostName, config.Port, config.User));
        Assert.False(config.UsesProxy);
    }

    [Fact]
    public void Output_without_a_host_name_is_refused() =>
        Assert.Throws<FormatException>(() => SshHostConfig.Parse("port 22\n"));
}
