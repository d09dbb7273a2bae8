using SmartDomains.Storage;
using SmartDomains.Tests.Liveness;
using Xunit;

namespace SmartDomains.Tests.Storage;

/// <summary>The single flight that lets a host's domains share one directory or base image check.</summary>
public sealed class StorageGatesTests : IDisposable
{
    private readonly LivenessHost _host = new(name: "gates1");

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Callers_during_one_run_share_it_and_a_later_call_runs_again()
    {
        var runs = 0;
        var release = new TaskCompletionSource();
        async Task<int> Work() { Interlocked.Increment(ref runs); await release.Task; return runs; }

        var key = StorageGates.Key("directory", "/shared-" + Guid.NewGuid());
        var callers = Enumerable.Range(0, 8).Select(_ => StorageGates.SharedAsync(_host.Connection, key, Work)).ToArray();
        release.SetResult();
        Assert.All(await Task.WhenAll(callers), r => Assert.Equal(1, r));
        Assert.Equal(1, runs);

        Assert.Equal(2, await StorageGates.SharedAsync(_host.Connection, key, Work));
    }

    [Fact]
    public async Task Every_caller_of_a_failed_run_sees_its_error_and_other_keys_run_apart()
    {
        var gate = new TaskCompletionSource();
        async Task<string> Fail() { await gate.Task; throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.WriteError, "gates1", "the disk is full"); }

        var key = StorageGates.Key("base-image", "/failing-" + Guid.NewGuid());
        var first = StorageGates.SharedAsync(_host.Connection, key, Fail);
        var second = StorageGates.SharedAsync(_host.Connection, key, Fail);
        var other = StorageGates.SharedAsync(_host.Connection, key + "-other", () => Task.FromResult("apart"));
        Assert.Equal("apart", await other);
        gate.SetResult();
        Assert.Equal("the disk is full", (await Assert.ThrowsAsync<XenHostException>(() => first)).Message);
        Assert.Equal("the disk is full", (await Assert.ThrowsAsync<XenHostException>(() => second)).Message);
    }
}
