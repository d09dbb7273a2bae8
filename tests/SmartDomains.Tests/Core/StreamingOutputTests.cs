using System.Security.Cryptography;
using SmartDomains.Hosts;
using SmartDomains.Images;
using SmartDomains.Remote;
using Xunit;

namespace SmartDomains.Tests.Core;

/// <summary>RunStreamingAsync on the local transport: stdout goes into the caller's stream, stderr and the exit code come back.</summary>
public sealed class StreamingOutputTests
{
    private static HostConnection Local() =>
        HostConnection.Create(new HostConnectionInfo { Name = "local", Kind = HostKind.Local, ComputerName = "localhost" });

    [Fact]
    public async Task Stdout_arrives_in_the_stream_byte_for_byte_and_stderr_and_the_exit_code_in_the_result()
    {
        using var host = Local();
        var data = RandomNumberGenerator.GetBytes(3 << 20);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, data);
            var sink = new MemoryStream();
            long lastProgress = 0;
            var result = await host.RunStreamingAsync(RemoteCommand.All(RemoteCommand.Of("cat", file), RemoteCommand.Of("sh", "-c", "echo said >&2; exit 3")),
                sink, new SyncProgress(n => lastProgress = n), CancellationToken.None);
            Assert.Equal(3, result.ExitCode);
            Assert.Equal("said\n", result.StdErr);
            Assert.Equal("", result.StdOut);
            Assert.Equal(data, sink.ToArray());
            Assert.Equal(data.Length, lastProgress);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task A_sink_that_fails_stops_the_command_instead_of_waiting_for_it()
    {
        using var host = Local();
        // yes never ends by itself: only the failed sink can stop it.
        var e = await Assert.ThrowsAsync<IOException>(() => host.RunStreamingAsync(RemoteCommand.Of("yes"), new FailingAfter(1 << 20), null, CancellationToken.None));
        Assert.Equal("disk full", e.Message);
    }

    [Fact]
    public async Task A_stream_times_out_only_when_it_falls_silent_for_the_command_timeout()
    {
        using var host = HostConnection.Create(new HostConnectionInfo
        {
            Name = "local", Kind = HostKind.Local, ComputerName = "localhost", CommandTimeout = TimeSpan.FromSeconds(1.5),
        });
        // Longer in all than the timeout, but never quiet for long: it runs to the end.
        var talking = RemoteCommand.Of("sh", "-c", "i=0; while [ $i -lt 20 ]; do echo $i; sleep 0.2; i=$((i+1)); done");
        var sink = new MemoryStream();
        Assert.Equal(0, (await host.RunStreamingAsync(talking, sink, null, CancellationToken.None)).ExitCode);
        Assert.EndsWith("19\n", System.Text.Encoding.ASCII.GetString(sink.ToArray()));

        var silent = RemoteCommand.Of("sh", "-c", "echo started; sleep 30");
        var e = await Assert.ThrowsAsync<XenHostException>(() => host.RunStreamingAsync(silent, new MemoryStream(), null, CancellationToken.None));
        Assert.Equal(XenErrorIds.HostUnreachable, e.ErrorId);
        Assert.Contains("sent nothing for", e.Message);
    }

    [Fact]
    public async Task The_hashing_stream_hashes_and_counts_what_passes_through_it()
    {
        var data = RandomNumberGenerator.GetBytes(100_000);
        var inner = new MemoryStream();
        await using var hashing = new HashingStream(inner);
        await hashing.WriteAsync(data.AsMemory(0, 1000));
        hashing.Write(data, 1000, data.Length - 1000);
        Assert.Equal(data, inner.ToArray());
        Assert.Equal(data.Length, hashing.Written);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant(), hashing.Sha256Hex());
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>A sink that takes <c>limit</c> bytes, then fails as a full disk does.</summary>
    private sealed class FailingAfter(long limit) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Length + buffer.Length > limit ? throw new IOException("disk full") : base.WriteAsync(buffer, cancellationToken);
    }
}
