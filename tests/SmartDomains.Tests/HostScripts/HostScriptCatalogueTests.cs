using Xunit;
using System.Diagnostics;
using System.Reflection;
using SmartDomains.HostScripts;
using SmartDomains.Remote;

namespace SmartDomains.Tests.HostScripts;

/// <summary>Every script file keeps its contract: it loads, its header is complete, the catalogue names it, shellcheck passes.</summary>
public sealed class HostScriptCatalogueTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var n in HostScript.Embedded().Order()) data.Add(n);
        return data;
    }

    private static readonly HostScript[] Catalogue = typeof(Scripts).GetProperties(BindingFlags.Public | BindingFlags.Static)
        .Where(p => p.PropertyType == typeof(HostScript)).Select(p => (HostScript)p.GetValue(null)!).ToArray();

    [Fact]
    public void The_catalogue_names_every_embedded_script_once()
    {
        Assert.True(HostScript.Embedded().Count() >= 20);
        Assert.Equal(HostScript.Embedded().Order(), Catalogue.Select(s => s.Name).Order());
    }

    [Theory, MemberData(nameof(Names))]
    public void Each_header_declares_its_arguments_input_and_exit_codes(string name)
    {
        var script = Scripts.Get(name);
        Assert.Contains(HostScriptExit.Ok, script.ExitCodes.Keys);
        Assert.DoesNotContain("#", script.Text.Split('\n').Select(l => l.TrimStart()).Where(l => l.StartsWith('#')));
        var text = File.ReadAllText(SourceFile(name));
        // Each declared argument is used, and no positional parameter beyond the declared ones.
        var count = script.Variadic ? script.Arguments.Count - 1 : script.Arguments.Count;
        for (var i = 1; i <= 9; i++)
        {
            var used = text.Contains($"${i}") || text.Contains($"${{{i}");
            if (i > count && !script.Variadic) Assert.False(used, $"{name} uses ${i} but declares {count} arguments");
        }
        // Every fail CODE in the script is a declared exit code.
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(script.Source, @"\bfail (\d+)"))
            Assert.True(script.ExitCodes.ContainsKey((HostScriptExit)int.Parse(m.Groups[1].Value)), $"{name}: fail {m.Groups[1].Value} is not declared");
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"\bexit (\d+)"))
            Assert.True(script.ExitCodes.ContainsKey((HostScriptExit)int.Parse(m.Groups[1].Value)), $"{name}: exit {m.Groups[1].Value} is not declared");
    }

    [Fact]
    public void The_command_builder_refuses_values_that_do_not_fit_the_declared_arguments()
    {
        Assert.Throws<ArgumentException>(() => RemoteCommand.Script(Scripts.JournalRead));
        Assert.Throws<ArgumentException>(() => RemoteCommand.Script(Scripts.JournalRead, "/a", "/b"));
        var stat = RemoteCommand.Script(Scripts.PathStat, "/a", "/b c");
        Assert.Equal("sh path-stat.sh /a '/b c'", stat.Display);
        Assert.Equal(new[] { "-c", Scripts.PathStat.Text, "path-stat.sh", "/a", "/b c" }, stat.Arguments);
    }

    [Trait("Needs", "shellcheck")]
    [Theory, MemberData(nameof(Names))]
    public void Shellcheck_passes_every_script_as_its_shell(string name)
    {
        var script = Scripts.Get(name);
        var file = Path.Combine(Path.GetTempPath(), $"sd-lint-{Environment.ProcessId}-{name}");
        File.WriteAllText(file, script.Source);
        try
        {
            // As sh for .sh files (dash runs them on Debian's dom0), and as bash too, since a login shell may be bash.
            foreach (var dialect in script.Shell == "bash" ? new[] { "bash" } : new[] { "sh", "bash" })
            {
                var psi = new ProcessStartInfo("shellcheck") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "-s", dialect, "-f", "gcc", file }) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"shellcheck -s {dialect} {name}:\n{output}");
            }
        }
        finally { File.Delete(file); }
    }

    private static string SourceFile(string name)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var f = Path.Combine(d.FullName, "src", "SmartDomains", "HostScripts", name);
            if (File.Exists(f)) return f;
        }
        throw new FileNotFoundException(name);
    }
}
