using System.Diagnostics;
using SmartDomains.Remote;
using Xunit;

namespace SmartDomains.Tests.Core;

public class RemoteCommandTests
{
    public static TheoryData<string> HostileWords => new()
    {
        "web-1", "", " ", "a b", "it's", "'", "''", "\"", "$(touch /tmp/x)", "`id`", "a;rm -rf /", "a && b", "a|b", "a>b", "<in",
        "$HOME", "${IFS}", "*", "?", "[a]", "~root", "-n", "--", "\\", "a\\'b", "\n", "a\nb", "\t", "#comment", "!event", "%", "{a,b}",
        "ünïcödé", "name with 'quotes' and \"doubles\"", "\u00a0nbsp", "\r\n", new string('x', 4000),
    };

    [Theory]
    [MemberData(nameof(HostileWords))]
    public void A_quoted_word_reaches_the_program_unchanged_through_a_real_shell(string word)
    {
        var command = RemoteCommand.Of("printf", "%s\\0", word);
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command.CommandLine);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Equal(word + "\0", output);
    }

    [Theory]
    [InlineData("list", "list")]
    [InlineData("-l", "-l")]
    [InlineData("/etc/xen/web-1.cfg", "/etc/xen/web-1.cfg")]
    [InlineData("memory=512", "memory=512")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Safe_words_stay_bare_and_others_are_single_quoted(string word, string expected) =>
        Assert.Equal(expected, RemoteCommand.Quote(word));

    [Fact]
    public void Xl_commands_name_xl_first() =>
        Assert.Equal("xl create -q '/etc/xen/my vm.cfg'", RemoteCommand.Xl("create", "-q", "/etc/xen/my vm.cfg").CommandLine);

    [Fact]
    public void A_nul_character_is_refused() =>
        Assert.Throws<ArgumentException>(() => RemoteCommand.Quote("a\0b"));
}
