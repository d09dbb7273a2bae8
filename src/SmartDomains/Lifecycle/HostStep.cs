namespace SmartDomains.Lifecycle;

/// <summary>
/// One step on a host under a time limit, and the retry of a step whose failure was the host or the link. Start-XenPool and
/// the cleaning runs both go through here, so an overrun step means the same thing everywhere: the host is unreachable.
/// </summary>
public static class HostStep
{
    /// <summary>Runs <paramref name="step"/> for at most <paramref name="timeout"/>; an overrun is XenHostUnreachable.</summary>
    public static async Task<T> RunAsync<T>(string host, TimeSpan timeout, Func<CancellationToken, Task<T>> step, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            return await step(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.OperationTimeout, host,
                $"A step on {host} did not finish within the step timeout of {timeout.TotalSeconds:0} s.");
        }
    }

    public static Task RunAsync(string host, TimeSpan timeout, Func<CancellationToken, Task> step, CancellationToken ct) =>
        RunAsync(host, timeout, async t => { await step(t).ConfigureAwait(false); return 0; }, ct);

    /// <summary>Runs <paramref name="step"/> again, up to <paramref name="retries"/> times, while it fails as XenHostUnreachable.</summary>
    public static async Task<T> RetryAsync<T>(int retries, TimeSpan delay, Func<Task<T>> step, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await step().ConfigureAwait(false); }
            catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostUnreachable && attempt < retries)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }
}
