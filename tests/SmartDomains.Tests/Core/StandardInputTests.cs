using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;
using Xunit;

namespace SmartDomains.Tests.Core;

/// <summary>File contents travel on standard input: never in argv (ps on dom0, the 128 KiB argument cap, -Verbose).</summary>
public sealed class StandardInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-stdin-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static HostConnection Local() =>
        HostConnection.Create(new HostConnectionInfo { Name = "local", Kind = HostKind.Local, ComputerName = "localhost" });

    [Fact]
    public async Task A_config_is_written_from_standard_input_exactly_and_its_text_is_not_in_the_command_line()
    {
        // Quotes, $, backticks, newlines, and more than one argument may hold (MAX_ARG_STRLEN is 128 KiB).
        var content = "name = \"x\"\ncmdline = \"a 'b' $(reboot) `id` \\\\ \"\n" + new string('#', 300 * 1024) + "\n";
        var path = Path.Combine(_dir, "x.cfg");
        var command = ConfigFileCommands.Write(path, content, ours: false);
        Assert.DoesNotContain("reboot", command.CommandLine);
        Assert.Equal(content, command.StandardInput);
        Assert.Contains("bytes on standard input", command.Display);
        using var host = Local();
        var logged = new List<string>();
        host.CommandLog = logged.Add;
        var result = await host.RunAsync(command, CancellationToken.None);
        Assert.True(result.Succeeded, result.StdErr);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        Assert.DoesNotContain(logged, l => l.Contains("reboot"));
    }

    [Fact]
    public async Task Standard_input_rides_through_a_joined_line_to_the_one_step_that_reads_it()
    {
        var path = Path.Combine(_dir, "y.cfg");
        var line = RemoteCommand.All(RemoteCommand.Of("true"), ConfigFileCommands.Write(path, "one\ntwo\n", ours: false), RemoteCommand.Of("true"));
        Assert.Equal("one\ntwo\n", line.StandardInput);
        using var host = Local();
        Assert.True((await host.RunAsync(line, CancellationToken.None)).Succeeded);
        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(path));
        Assert.Throws<ArgumentException>(() => RemoteCommand.All(ConfigFileCommands.Write(path, "a", false), ConfigFileCommands.Write(path, "b", false)));
    }

    [Fact]
    public async Task A_command_without_input_sees_end_of_file_at_once()
    {
        using var host = Local();
        var result = await host.RunAsync(RemoteCommand.Of("cat"), CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.Equal("", result.StdOut);
    }
}
