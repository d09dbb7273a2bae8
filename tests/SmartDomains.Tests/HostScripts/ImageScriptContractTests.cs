using Xunit;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SmartDomains.HostScripts;

namespace SmartDomains.Tests.HostScripts;

/// <summary>The image, repository and liveness scripts under dash and bash, with hostile positional values.</summary>
public sealed class ImageScriptContractTests : IDisposable
{
    private readonly ScriptRunner _run = new();
    public void Dispose() => _run.Dispose();

    private static string Sha(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))).ToLowerInvariant();

    /// <summary>Archives two members from a hostile directory; returns the archive and the script's lines.</summary>
    private (string Archive, string[] Lines, string Memory, string Disk) Archive(string shell, string hostile)
    {
        var temp = _run.Dir(hostile, "tmp");
        var disks = _run.Dir(hostile, "disks " + hostile);
        var memory = Path.Combine(temp, "memory.save");
        var disk = Path.Combine(disks, hostile + ".img");
        File.WriteAllText(memory, "memory of " + hostile);
        using (var f = File.Create(disk)) { f.SetLength(1 << 20); f.Write("data"u8); }
        var r = _run.Run(shell, Scripts.ImageArchive, new[] { temp, _run.Dir(hostile, "repo/img.partial"), "img", "memory.save", memory, "disk-0", disk });
        ScriptRunner.AssertExit(Scripts.ImageArchive, HostScriptExit.Ok, r);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        var archive = Path.Combine(_run.Root, hostile, "repo/img.partial", lines[^1].Split(' ')[1]);
        return (archive, lines, memory, disk);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageArchive_reports_each_member_and_the_archive_as_written(string shell, string hostile)
    {
        var (archive, lines, memory, disk) = Archive(shell, hostile);
        Assert.Matches("^compression (zstd|pigz|gzip)$", lines[0]);
        Assert.Equal($"member memory.save {new FileInfo(memory).Length}", lines[1]);
        Assert.Equal($"member disk-0 {new FileInfo(disk).Length}", lines[2]);
        Assert.Equal("stream " + StreamSha(archive, lines[0].Split(' ')[1]), lines[3]);
        Assert.Equal($"archive {Path.GetFileName(archive)} {new FileInfo(archive).Length} {Sha(archive)}", lines[4]);
        Assert.Equal(new[] { "memory.save" }, Directory.GetFiles(Path.Combine(_run.Root, hostile, "tmp")).Select(Path.GetFileName));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageArchive_refuses_a_member_that_is_not_a_regular_file(string shell, string hostile)
    {
        var temp = _run.Dir(hostile, "tmp");
        var r = _run.Run(shell, Scripts.ImageArchive, new[] { temp, _run.Dir(hostile, "out"), "img", "disk-0", _run.Dir(hostile, "a dir") });
        ScriptRunner.AssertExit(Scripts.ImageArchive, HostScriptExit.Missing, r);
        r = _run.Run(shell, Scripts.ImageArchive, new[] { temp, _run.Dir(hostile, "out"), "img", "disk-0", temp }, path: "/nonexistent");
        ScriptRunner.AssertExit(Scripts.ImageArchive, HostScriptExit.ToolMissing, r);
    }

    /// <summary>The SHA256 of the tar stream inside an archive of that compression.</summary>
    private static string StreamSha(string archive, string compression) =>
        Tests.Images.ImageHost.Sh("\"$2\" -dc < \"$1\" | sha256sum", archive, compression == "zstd" ? "zstd" : "gzip").Split(' ')[0];

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageUnpack_verifies_the_tar_stream_and_member_sizes_and_extracts_only_the_members(string shell, string hostile)
    {
        var (archive, lines, memory, disk) = Archive(shell, hostile);
        var compression = lines[0].Split(' ')[1];
        var temp = _run.Dir(hostile, "restore " + hostile);
        var mem = new FileInfo(memory).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var size = new FileInfo(disk).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] Args(string archiveSha, string streamSha, string diskSize) =>
            new[] { temp, archive, archiveSha, compression, streamSha, "memory.save", mem, "", "disk-0", diskSize, "" };

        var r = _run.Run(shell, Scripts.ImageUnpack, Args(Sha(archive), StreamSha(archive, compression), size));
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Ok, r);
        Assert.Equal(File.ReadAllBytes(disk), File.ReadAllBytes(Path.Combine(temp, "m", "disk-0")));
        Assert.Equal(File.ReadAllText(memory), File.ReadAllText(Path.Combine(temp, "m", "memory.save")));
        Assert.Equal(new[] { "m", "names" }, Directory.GetFileSystemEntries(temp).Select(Path.GetFileName).Order());

        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Corrupt, _run.Run(shell, Scripts.ImageUnpack, Args(new string('0', 64), StreamSha(archive, compression), size)));
        r = _run.Run(shell, Scripts.ImageUnpack, Args(Sha(archive), new string('0', 64), size));
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Corrupt, r);
        Assert.Contains("tar stream", r.Err);
        r = _run.Run(shell, Scripts.ImageUnpack, Args(Sha(archive), StreamSha(archive, compression), "1"));
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Corrupt, r);
        Assert.Contains("disk-0", r.Err);
        // The manifest lists fewer members than the archive holds: refused before anything is extracted.
        r = _run.Run(shell, Scripts.ImageUnpack, new[] { temp, archive, Sha(archive), compression, StreamSha(archive, compression), "memory.save", mem, "" });
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Corrupt, r);
        Assert.Contains("does not list", r.Err);
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.ToolMissing,
            _run.Run(shell, Scripts.ImageUnpack, Args(Sha(archive), StreamSha(archive, compression), size), path: "/nonexistent"));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageUnpack_of_format_1_checks_each_members_sha256(string shell, string hostile)
    {
        var (archive, lines, memory, disk) = Archive(shell, hostile);
        var compression = lines[0].Split(' ')[1];
        var temp = _run.Dir(hostile, "restore " + hostile);
        string[] Args(string diskSha) => new[]
        {
            temp, archive, Sha(archive), compression, "",
            "memory.save", new FileInfo(memory).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Sha(memory),
            "disk-0", new FileInfo(disk).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), diskSha,
        };
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Ok, _run.Run(shell, Scripts.ImageUnpack, Args(Sha(disk))));
        Assert.Equal(File.ReadAllBytes(disk), File.ReadAllBytes(Path.Combine(temp, "m", "disk-0")));
        var r = _run.Run(shell, Scripts.ImageUnpack, Args(new string('0', 64)));
        ScriptRunner.AssertExit(Scripts.ImageUnpack, HostScriptExit.Corrupt, r);
        Assert.Contains("member disk-0", r.Err);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void RepositoryList_lists_images_archives_and_manifests(string shell, string hostile)
    {
        var repo = _run.Dir(hostile, "repo");
        var image = _run.Dir(hostile, "repo/web-20261201");
        File.WriteAllText(Path.Combine(image, "web.tar.zst"), "12345");
        File.WriteAllText(Path.Combine(image, "manifest.json"), "{\"name\":\"web\"}");
        _run.Dir(hostile, "repo/empty.partial");
        var r = _run.Run(shell, Scripts.RepositoryList, new[] { repo });
        ScriptRunner.AssertExit(Scripts.RepositoryList, HostScriptExit.Ok, r);
        Assert.Equal(new[] { "@@dir empty.partial", "@@dir web-20261201", "@@file web.tar.zst 5", "@@manifest", "{\"name\":\"web\"}" },
            r.Out.TrimEnd('\n').Split('\n'));
        Assert.Empty(_run.Run(shell, Scripts.RepositoryList, new[] { Path.Combine(repo, "absent") }).Out);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void ImageConvert_checks_tool_source_and_target_before_converting(string shell, string hostile)
    {
        var dir = _run.Dir(hostile);
        var source = Path.Combine(dir, hostile + ".img");
        var target = Path.Combine(dir, hostile + ".qcow2");
        ScriptRunner.AssertExit(Scripts.ImageConvert, HostScriptExit.ToolMissing,
            _run.Run(shell, Scripts.ImageConvert, new[] { "check", source, target, "qcow2" }, path: "/nonexistent"));
        if (!OnPath("qemu-img")) return;    // the rest needs qemu-utils (Install-TestPrerequisites.sh installs it)
        ScriptRunner.AssertExit(Scripts.ImageConvert, HostScriptExit.Missing, _run.Run(shell, Scripts.ImageConvert, new[] { "check", source, target, "qcow2" }));
        using (var f = File.Create(source)) f.SetLength(1 << 20);
        File.WriteAllText(target, "theirs");
        ScriptRunner.AssertExit(Scripts.ImageConvert, HostScriptExit.Exists, _run.Run(shell, Scripts.ImageConvert, new[] { "convert", source, target, "qcow2" }));
        Assert.Equal("theirs", File.ReadAllText(target));
        File.Delete(target);
        ScriptRunner.AssertExit(Scripts.ImageConvert, HostScriptExit.Ok, _run.Run(shell, Scripts.ImageConvert, new[] { "check", source, target, "qcow2" }));
        Assert.False(File.Exists(target));
        ScriptRunner.AssertExit(Scripts.ImageConvert, HostScriptExit.Ok, _run.Run(shell, Scripts.ImageConvert, new[] { "convert", source, target, "qcow2" }));
        Assert.Equal("QFI\xfb", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(target), 0, 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LivenessProbe_connects_reads_the_banner_and_reports_a_refused_port(bool banner)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString();
        var accept = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray());
            await Task.Delay(500);
        });
        var r = _run.Run("bash", Scripts.LivenessProbe, new[] { "127.0.0.1", port, banner ? "1" : "0", "0" });
        ScriptRunner.AssertExit(Scripts.LivenessProbe, HostScriptExit.Ok, r);
        Assert.Matches(@"^start \d+[.,]\d+\nconnected \d+[.,]\d+\n", r.Out);
        if (banner) Assert.Matches(@"\nbanner \d+[.,]\d+ SSH-2\.0-OpenSSH_9\.2", r.Out);
        else Assert.DoesNotContain("banner", r.Out);
        accept.Wait(5000);
        listener.Stop();

        r = _run.Run("bash", Scripts.LivenessProbe, new[] { "127.0.0.1", port, "0", "0" });
        ScriptRunner.AssertExit(Scripts.LivenessProbe, HostScriptExit.Unreachable, r);
        Assert.Matches(@"\nfailed \d+[.,]\d+\n", r.Out);
    }

    [Theory]
    [InlineData("$(touch PWNED)")]
    [InlineData("127.0.0.1/22/../x")]
    [InlineData("-rf")]
    public void LivenessProbe_treats_a_hostile_address_as_data(string address)
    {
        var r = _run.Run("bash", Scripts.LivenessProbe, new[] { address, "22", "0", "0" });
        ScriptRunner.AssertExit(Scripts.LivenessProbe, HostScriptExit.Unreachable, r);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
