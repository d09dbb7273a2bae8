using Xunit;
using System.Security.Cryptography;
using System.Text;
using SmartDomains.HostScripts;

namespace SmartDomains.Tests.HostScripts;

/// <summary>The file and directory scripts under dash and bash, with hostile positional values.</summary>
public sealed class FileScriptContractTests : IDisposable
{
    private readonly ScriptRunner _run = new();
    public void Dispose() => _run.Dispose();

    private static string Sha(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void FileWrite_writes_stdin_and_replaces_only_its_own_file(string shell, string hostile)
    {
        var path = Path.Combine(_run.Root, hostile, "etc", hostile + ".cfg");
        var content = "name = \"" + hostile + "\"\n$(touch PWNED)\n";
        var r = _run.Run(shell, Scripts.FileWrite, new[] { path, "new" }, content);
        ScriptRunner.AssertExit(Scripts.FileWrite, HostScriptExit.Ok, r);
        Assert.Equal(content, File.ReadAllText(path));
        Assert.False(File.Exists(path + ".sd-tmp"));

        r = _run.Run(shell, Scripts.FileWrite, new[] { path, "new" }, "other");
        ScriptRunner.AssertExit(Scripts.FileWrite, HostScriptExit.Exists, r);
        Assert.Equal(content, File.ReadAllText(path));
        r = _run.Run(shell, Scripts.FileWrite, new[] { path, "ours" }, "second");
        ScriptRunner.AssertExit(Scripts.FileWrite, HostScriptExit.Ok, r);
        Assert.Equal("second", File.ReadAllText(path));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ConfigOwned_passes_no_file_or_the_modules_own_and_refuses_anything_else(string shell, string hostile)
    {
        var path = Path.Combine(_run.Dir(hostile), "d.cfg");
        string[] args = { path, global::SmartDomains.Cleanup.CleanupPlanner.ConfigHeader };
        ScriptRunner.AssertExit(Scripts.ConfigOwned, HostScriptExit.Ok, _run.Run(shell, Scripts.ConfigOwned, args));
        File.WriteAllText(path, global::SmartDomains.Cleanup.CleanupPlanner.ConfigHeader + " for pool p.\nname = \"d\"\n");
        ScriptRunner.AssertExit(Scripts.ConfigOwned, HostScriptExit.Ok, _run.Run(shell, Scripts.ConfigOwned, args));
        File.WriteAllText(path, "name = \"mine\"\n" + global::SmartDomains.Cleanup.CleanupPlanner.ConfigHeader + "\n");
        ScriptRunner.AssertExit(Scripts.ConfigOwned, HostScriptExit.NotOurs, _run.Run(shell, Scripts.ConfigOwned, args));
        // A header that is a pattern does not match as one.
        File.WriteAllText(path, "anything\n");
        ScriptRunner.AssertExit(Scripts.ConfigOwned, HostScriptExit.NotOurs, _run.Run(shell, Scripts.ConfigOwned, new[] { path, "*" }));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void PathAbsent_refuses_a_file_a_directory_and_a_dangling_link(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var path = Path.Combine(dir, hostile);
        ScriptRunner.AssertExit(Scripts.PathAbsent, HostScriptExit.Ok, _run.Run(shell, Scripts.PathAbsent, new[] { path }));
        File.CreateSymbolicLink(path, Path.Combine(dir, "nowhere"));
        ScriptRunner.AssertExit(Scripts.PathAbsent, HostScriptExit.Exists, _run.Run(shell, Scripts.PathAbsent, new[] { path }));
        ScriptRunner.AssertExit(Scripts.PathAbsent, HostScriptExit.Exists, _run.Run(shell, Scripts.PathAbsent, new[] { dir }));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void FilesTail_reports_each_file_by_position_and_the_absent_ones(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var a = Path.Combine(dir, hostile + ".log");
        File.WriteAllText(a, "one\n$(touch PWNED)\nthree\n");
        var b = Path.Combine(dir, "no-newline");
        File.WriteAllText(b, "last");
        string[] paths = { a, Path.Combine(dir, "absent"), b, dir };
        var r = _run.Run(shell, Scripts.FilesTail, new[] { "2", "@@m" }.Concat(paths).ToArray());
        ScriptRunner.AssertExit(Scripts.FilesTail, HostScriptExit.Ok, r);
        Assert.Equal("\n@@m 1\n$(touch PWNED)\nthree\n\n@@m 0\n\n@@m 1\nlast\n@@m 0\n", r.Out);
        var texts = global::SmartDomains.Remote.RemoteFiles.ParseTail(
            _run.Run(shell, Scripts.FilesTail, new[] { "2", "@@smartdomains-file" }.Concat(paths).ToArray()).Out, paths.Length);
        Assert.Equal(new[] { "$(touch PWNED)\nthree\n", null, "last", null }, texts);
        Assert.False(File.Exists(Path.Combine(_run.Root, "PWNED")));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void PathStat_prints_one_line_per_path(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        File.WriteAllText(Path.Combine(_run.Root, hostile + ".f"), "12345");   // relative to the working directory, as given
        var r = _run.Run(shell, Scripts.PathStat, new[] { dir, hostile + ".f", Path.Combine(dir, "absent") });
        ScriptRunner.AssertExit(Scripts.PathStat, HostScriptExit.Ok, r);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^1 \d+ d$", lines[0]);
        Assert.Equal("1 5 f", lines[1]);
        Assert.Equal("0", lines[2]);
        Assert.Empty(_run.Run(shell, Scripts.PathStat, Array.Empty<string>()).Out);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void VerifySha256_moves_a_file_only_when_it_matches(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var file = Path.Combine(dir, hostile + ".part");
        var final = Path.Combine(dir, hostile + ".img");
        File.WriteAllText(file, hostile);
        var r = _run.Run(shell, Scripts.VerifySha256, new[] { file, Sha("other"), final });
        ScriptRunner.AssertExit(Scripts.VerifySha256, HostScriptExit.Corrupt, r);
        Assert.True(File.Exists(file));
        Assert.False(File.Exists(final));
        ScriptRunner.AssertExit(Scripts.VerifySha256, HostScriptExit.Ok, _run.Run(shell, Scripts.VerifySha256, new[] { file, Sha(hostile), "" }));
        Assert.True(File.Exists(file));
        ScriptRunner.AssertExit(Scripts.VerifySha256, HostScriptExit.Ok, _run.Run(shell, Scripts.VerifySha256, new[] { file, Sha(hostile), final }));
        Assert.Equal(hostile, File.ReadAllText(final));
        ScriptRunner.AssertExit(Scripts.VerifySha256, HostScriptExit.Missing, _run.Run(shell, Scripts.VerifySha256, new[] { file, Sha(hostile), "" }));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void VerifyRanges_checks_the_size_and_the_bytes_in_the_ranges_and_moves_only_a_match(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var file = Path.Combine(dir, hostile + ".part");
        var final = Path.Combine(dir, hostile + ".img");
        var data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(65536 + 100);
        using (var f = File.Create(file)) { f.Seek(131072, SeekOrigin.Begin); f.Write(data); }   // a hole, then data to the end
        var size = (131072 + data.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ranges = $"131072 {data.Length}\n";
        string Hex(byte[] b) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b)).ToLowerInvariant();

        var r = _run.Run(shell, Scripts.VerifyRanges, new[] { file, size, Hex(new byte[data.Length]), final }, stdin: ranges);
        ScriptRunner.AssertExit(Scripts.VerifyRanges, HostScriptExit.Corrupt, r);
        Assert.False(File.Exists(final));
        r = _run.Run(shell, Scripts.VerifyRanges, new[] { file, "1", Hex(data), final }, stdin: ranges);
        ScriptRunner.AssertExit(Scripts.VerifyRanges, HostScriptExit.Corrupt, r);
        Assert.Contains("bytes, expected 1", r.Err);
        ScriptRunner.AssertExit(Scripts.VerifyRanges, HostScriptExit.Ok, _run.Run(shell, Scripts.VerifyRanges, new[] { file, size, Hex(data), "" }, stdin: ranges));
        Assert.True(File.Exists(file));
        ScriptRunner.AssertExit(Scripts.VerifyRanges, HostScriptExit.Ok, _run.Run(shell, Scripts.VerifyRanges, new[] { file, size, Hex(data), final }, stdin: ranges));
        Assert.True(File.Exists(final));
        ScriptRunner.AssertExit(Scripts.VerifyRanges, HostScriptExit.Missing, _run.Run(shell, Scripts.VerifyRanges, new[] { file, size, Hex(data), "" }, stdin: ranges));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void DirRemove_removes_only_an_empty_directory(string shell, string hostile)
    {
        var dir = _run.Dir(hostile, "made");
        File.WriteAllText(Path.Combine(dir, "theirs"), "x");
        ScriptRunner.AssertExit(Scripts.DirRemove, HostScriptExit.NotEmpty, _run.Run(shell, Scripts.DirRemove, new[] { "check", dir }));
        ScriptRunner.AssertExit(Scripts.DirRemove, HostScriptExit.NotEmpty, _run.Run(shell, Scripts.DirRemove, new[] { "remove", dir }));
        Assert.True(File.Exists(Path.Combine(dir, "theirs")));
        File.Delete(Path.Combine(dir, "theirs"));
        ScriptRunner.AssertExit(Scripts.DirRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.DirRemove, new[] { "check", dir }));
        Assert.True(Directory.Exists(dir));
        ScriptRunner.AssertExit(Scripts.DirRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.DirRemove, new[] { "remove", dir }));
        Assert.False(Directory.Exists(dir));
        ScriptRunner.AssertExit(Scripts.DirRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.DirRemove, new[] { "remove", dir }));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void DiskFree_prints_the_filesystem_line(string shell, string hostile)
    {
        var r = _run.Run(shell, Scripts.DiskFree, new[] { _run.Dir(hostile) });
        ScriptRunner.AssertExit(Scripts.DiskFree, HostScriptExit.Ok, r);
        Assert.Matches(@"^\S+\s+\d+\s+\d+\s+\d+\s+\d+%\s+/", r.Out.Trim());
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void StorageProbe_answers_each_tool_and_leaves_no_probe_file(string shell, string hostile)
    {
        var cache = Path.Combine(_run.Root, hostile, "cache");
        var images = _run.Dir(hostile, "images");
        var r = _run.Run(shell, Scripts.StorageProbe, new[] { cache, images });
        ScriptRunner.AssertExit(Scripts.StorageProbe, HostScriptExit.Ok, r);
        Assert.Equal(new[] { "qemu-img", "mkfs.ext4", "lvcreate", "reflink" },
            r.Out.TrimEnd('\n').Split('\n').Select(l => Assert.Single(System.Text.RegularExpressions.Regex.Matches(l, "^([^=]+)=(yes|no)$")).Groups[1].Value));
        Assert.True(Directory.Exists(cache));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
        Assert.Empty(Directory.EnumerateFileSystemEntries(images));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void MoveIntoPlace_replaces_a_taken_name_only_when_it_is_ours(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var source = Path.Combine(dir, hostile + ".partial");
        var target = Path.Combine(dir, hostile);
        Directory.CreateDirectory(source);
        ScriptRunner.AssertExit(Scripts.MoveIntoPlace, HostScriptExit.Ok, _run.Run(shell, Scripts.MoveIntoPlace, new[] { source, target, "new" }));
        Assert.True(Directory.Exists(target));
        File.WriteAllText(source, "disk");
        File.WriteAllText(target + ".img", "theirs");
        ScriptRunner.AssertExit(Scripts.MoveIntoPlace, HostScriptExit.Exists, _run.Run(shell, Scripts.MoveIntoPlace, new[] { source, target + ".img", "new" }));
        Assert.Equal("theirs", File.ReadAllText(target + ".img"));
        ScriptRunner.AssertExit(Scripts.MoveIntoPlace, HostScriptExit.Ok, _run.Run(shell, Scripts.MoveIntoPlace, new[] { source, target + ".img", "ours" }));
        Assert.Equal("disk", File.ReadAllText(target + ".img"));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void TempRemove_removes_the_staging_dir_and_an_empty_temp_root(string shell, string hostile)
    {
        var root = _run.Dir(hostile, "tmp");
        var a = _run.Dir(hostile, "tmp/" + hostile + "-a");
        var b = _run.Dir(hostile, "tmp/b");
        File.WriteAllText(Path.Combine(a, "memory.save"), "x");
        ScriptRunner.AssertExit(Scripts.TempRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.TempRemove, new[] { a, root }));
        Assert.False(Directory.Exists(a));
        Assert.True(Directory.Exists(b));
        ScriptRunner.AssertExit(Scripts.TempRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.TempRemove, new[] { b, root }));
        Assert.False(Directory.Exists(root));
        ScriptRunner.AssertExit(Scripts.TempRemove, HostScriptExit.Ok, _run.Run(shell, Scripts.TempRemove, new[] { b, root }));
    }
}
