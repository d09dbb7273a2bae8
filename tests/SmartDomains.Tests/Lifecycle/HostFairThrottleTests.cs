using SmartDomains.Lifecycle;
using Xunit;

namespace SmartDomains.Tests.Lifecycle;

public sealed class HostFairThrottleTests
{
    [Fact]
    public async Task A_freed_slot_goes_to_the_least_busy_host_not_to_the_first_in_line()
    {
        var throttle = new HostFairThrottle(2);
        var a1 = await throttle.EnterAsync("a", CancellationToken.None);
        var a2 = await throttle.EnterAsync("a", CancellationToken.None);
        var a3 = throttle.EnterAsync("a", CancellationToken.None);      // queued first
        var b1 = throttle.EnterAsync("b", CancellationToken.None);      // queued second
        Assert.False(a3.IsCompleted);
        Assert.False(b1.IsCompleted);

        a1.Dispose();                                                    // a still holds one slot, b none: b goes
        var first = await Task.WhenAny(a3, b1);
        Assert.Same(b1, first);
        Assert.False(a3.IsCompleted);
        Assert.Equal(1, throttle.AdmittedOn("a"));
        Assert.Equal(1, throttle.AdmittedOn("b"));

        a2.Dispose();
        (await a3).Dispose();
        (await b1).Dispose();
        Assert.Equal(0, throttle.AdmittedOn("a") + throttle.AdmittedOn("b"));
    }

    [Fact]
    public async Task Equal_hosts_are_admitted_in_waiting_order_and_the_limit_holds()
    {
        var throttle = new HostFairThrottle(1);
        var held = await throttle.EnterAsync("a", CancellationToken.None);
        var b = throttle.EnterAsync("b", CancellationToken.None);
        var c = throttle.EnterAsync("c", CancellationToken.None);
        held.Dispose();
        var slot = await b;
        Assert.False(c.IsCompleted);
        slot.Dispose();
        slot.Dispose();                                                  // a second dispose gives back nothing more
        (await c).Dispose();
        var again = await throttle.EnterAsync("d", CancellationToken.None);
        var blocked = throttle.EnterAsync("e", CancellationToken.None);
        Assert.False(blocked.IsCompleted);
        again.Dispose();
        (await blocked).Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_line_and_takes_no_slot()
    {
        var throttle = new HostFairThrottle(1);
        var held = await throttle.EnterAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = throttle.EnterAsync("b", cancel.Token);
        var next = throttle.EnterAsync("c", CancellationToken.None);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        held.Dispose();
        (await next).Dispose();
        Assert.Equal(0, throttle.AdmittedOn("b"));
    }
}
