using System.Diagnostics;
using SmartDomains.Transport;
using SmartDomains.Transport.OpenSsh;
using Xunit;

namespace SmartDomains.Tests.Transport;

/// <summary>
/// The SFTP client against OpenSSH's own sftp-server, run here on its stdin and stdout: what `ssh -s HOST sftp` gives the
/// transport, without the ssh in between.
/// </summary>
[Trait("Needs", "sftp-server")]
public sealed class SftpSessionTests : IDisposable
{
    private const string Server = "/usr/lib/openssh/sftp-server";
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-sftp-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static async Task<SftpSession?> StartAsync()
    {
        if (!File.Exists(Server)) return null;
        var start = new ProcessStartInfo(Server) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        return await SftpSession.StartAsync(start, CancellationToken.None);
    }

    private string SparseFile(long length, params long[] dataAt)
    {
        var path = Path.Combine(_dir, "source.img");
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(length);
        var data = new byte[1 << 20];
        new Random(3).NextBytes(data);
        foreach (var at in dataAt) { f.Position = at; f.Write(data); }
        return path;
    }

    private static long Allocated(string path)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", new[] { "-c", "%b %B", path }) { RedirectStandardOutput = true })!;
        var parts = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return long.Parse(parts[0]) * long.Parse(parts[1]);
    }

    [Fact]
    public async Task An_upload_sends_only_the_data_and_keeps_the_holes_and_a_download_brings_it_back_whole()
    {
        await using var session = await StartAsync();
        if (session is null) return;
        var source = SparseFile(24 << 20, 0, 10 << 20);
        var remote = Path.Combine(_dir, "remote.img");
        long sent = 0;
        await SftpTransfer.UploadAsync(session, source, remote, new SyncProgress(v => sent = v), null, CancellationToken.None);
        Assert.Equal(new FileInfo(source).Length, new FileInfo(remote).Length);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(remote));
        Assert.Equal(2L << 20, sent);
        Assert.True(Allocated(remote) < 4 << 20, $"the holes stayed holes ({Allocated(remote)} bytes allocated)");

        var back = Path.Combine(_dir, "back.img");
        long received = 0;
        await SftpTransfer.DownloadAsync(session, remote, back, new SyncProgress(v => received = v), CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));
        Assert.Equal(24L << 20, received);
    }

    [Fact]
    public async Task An_upload_of_given_ranges_writes_exactly_those_and_the_length()
    {
        await using var session = await StartAsync();
        if (session is null) return;
        var source = SparseFile(8 << 20, 2 << 20);
        var remote = Path.Combine(_dir, "ranges.img");
        await SftpTransfer.UploadAsync(session, source, remote, null, new[] { new SmartDomains.Transport.SparseFile.Extent(2 << 20, 65536) }, CancellationToken.None);
        var got = File.ReadAllBytes(remote);
        Assert.Equal(8 << 20, got.Length);
        Assert.Equal(File.ReadAllBytes(source).AsSpan(2 << 20, 65536).ToArray(), got.AsSpan(2 << 20, 65536).ToArray());
        Assert.All(got.AsSpan((2 << 20) + 65536).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task A_refused_request_is_a_status_error_with_the_server_s_message_and_the_session_goes_on()
    {
        await using var session = await StartAsync();
        if (session is null) return;
        var missing = Path.Combine(_dir, "no-such-dir", "x");
        var error = await Assert.ThrowsAsync<SftpStatusException>(() => SftpTransfer.UploadAsync(session, SparseFile(1 << 20, 0), missing, null, null, CancellationToken.None));
        Assert.Equal(2u, error.Code);
        Assert.Contains("No such file", error.Message);
        await Assert.ThrowsAsync<SftpStatusException>(() => SftpTransfer.DownloadAsync(session, missing, Path.Combine(_dir, "y"), null, CancellationToken.None));
        var ok = Path.Combine(_dir, "after.img");
        await SftpTransfer.UploadAsync(session, SparseFile(1 << 20, 0), ok, null, null, CancellationToken.None);
        Assert.Equal(1 << 20, new FileInfo(ok).Length);
    }

    [Fact]
    public async Task A_server_that_dies_fails_the_requests_in_flight_instead_of_hanging()
    {
        await using var session = await StartAsync();
        if (session is null) return;
        session.Kill();
        await Assert.ThrowsAnyAsync<IOException>(() => SftpTransfer.UploadAsync(session, SparseFile(1 << 20, 0), Path.Combine(_dir, "z"), null, null, CancellationToken.None));
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
