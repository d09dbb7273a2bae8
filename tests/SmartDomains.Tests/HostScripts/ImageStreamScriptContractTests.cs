using Xunit;
using System.Diagnostics;
using System.Security.Cryptography;
using SmartDomains.HostScripts;
using SmartDomains.Images;

namespace SmartDomains.Tests.HostScripts;

/// <summary>image-stream.sh under dash and bash with hostile values: stdout is the archive, stderr carries the report.</summary>
public sealed class ImageStreamScriptContractTests : IDisposable
{
    private readonly ScriptRunner _run = new();
    public void Dispose() => _run.Dispose();

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>A memory image and a sparse disk in hostile directories; the script's values for them.</summary>
    private (string Temp, string Memory, string Disk, string[] Values) Members(string hostile)
    {
        var temp = _run.Dir(hostile, "tmp");
        var memory = Path.Combine(temp, "memory.save");
        var disk = Path.Combine(_run.Dir(hostile, "disks " + hostile), hostile + ".img");
        File.WriteAllText(memory, "memory of " + hostile);
        using (var f = File.Create(disk)) { f.SetLength(4 << 20); f.Seek(1 << 20, SeekOrigin.Begin); f.Write(RandomNumberGenerator.GetBytes(256 << 10)); }
        return (temp, memory, disk, new[] { temp, "img", "memory.save", memory, "disk-0", disk });
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageStream_writes_only_the_archive_on_stdout_and_reports_it_and_each_member_on_stderr(string shell, string hostile)
    {
        var (temp, memory, disk, values) = Members(hostile);
        var r = _run.Run(shell, Scripts.ImageStream, values);
        ScriptRunner.AssertExit(Scripts.ImageStream, HostScriptExit.Ok, r);

        var report = ArchiveReceiver.Split(r.Err).Report.Split('\n');
        Assert.Equal("compression zstd", report[0]);
        Assert.Equal($"member memory.save {new FileInfo(memory).Length}", report[1]);
        Assert.Equal($"member disk-0 {new FileInfo(disk).Length}", report[2]);
        var stream = TarStream(r.Bytes);
        Assert.Equal($"stream {Sha(stream)}", report[3]);
        Assert.Equal($"archive img.tar.zst {r.Bytes.Length} {Sha(r.Bytes)}", report[4]);
        Assert.Equal(5, report.Length);
        Assert.Equal(new[] { "disk-0", "memory.save" }, List(r.Bytes));
        // Nothing is left on the host but the memory image the save made.
        Assert.Equal(new[] { "memory.save" }, Directory.GetFileSystemEntries(temp).Select(Path.GetFileName));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageStream_that_a_stage_breaks_midway_fails_and_reports_no_archive(string shell, string hostile)
    {
        var (_, _, _, values) = Members(hostile);
        // A compressor that passes a little of the stream on and then dies, as a full disk or a killed process would.
        var bin = _run.Dir(hostile, "bin");
        File.WriteAllText(Path.Combine(bin, "zstd"), "#!/bin/sh\nhead -c 4096\nexit 3\n");
        File.SetUnixFileMode(Path.Combine(bin, "zstd"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var r = _run.Run(shell, Scripts.ImageStream, values, path: bin + ":/usr/bin:/bin");
        ScriptRunner.AssertExit(Scripts.ImageStream, HostScriptExit.Failed, r);
        Assert.Contains("failed", ArchiveReceiver.Split(r.Err).Diagnostics);
        Assert.DoesNotContain(ArchiveReceiver.Split(r.Err).Report.Split('\n'), l => l.StartsWith("archive ", StringComparison.Ordinal) || l.StartsWith("member ", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageStream_refuses_a_member_that_is_not_a_regular_file_and_a_host_without_tar(string shell, string hostile)
    {
        var temp = _run.Dir(hostile, "tmp");
        var r = _run.Run(shell, Scripts.ImageStream, new[] { temp, "img", "disk-0", _run.Dir(hostile, "a dir") });
        ScriptRunner.AssertExit(Scripts.ImageStream, HostScriptExit.Missing, r);
        Assert.Empty(r.Bytes);
        r = _run.Run(shell, Scripts.ImageStream, new[] { temp, "img", "disk-0", temp }, path: "/nonexistent");
        ScriptRunner.AssertExit(Scripts.ImageStream, HostScriptExit.ToolMissing, r);
    }

    /// <summary>The tar stream inside a .tar.zst.</summary>
    private byte[] TarStream(byte[] archive)
    {
        var psi = new ProcessStartInfo("zstd") { RedirectStandardInput = true, RedirectStandardOutput = true, ArgumentList = { "-q", "-dc" } };
        using var p = Process.Start(psi)!;
        var feed = Task.Run(() => { p.StandardInput.BaseStream.Write(archive); p.StandardInput.Close(); });
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        feed.Wait();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.ToArray();
    }

    /// <summary>The member names of a .tar.zst, as tar lists them.</summary>
    private string[] List(byte[] archive)
    {
        var file = Path.Combine(_run.Root, "listed.tar.zst");
        File.WriteAllBytes(file, archive);
        var psi = new ProcessStartInfo("tar") { RedirectStandardOutput = true, ArgumentList = { "--zstd", "-tf", file } };
        using var p = Process.Start(psi)!;
        var names = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return names;
    }
}
