using SmartDomains.Hosts;

namespace SmartDomains.Storage;

/// <summary>
/// One controller never works on the same target twice at once: a gate per host and resource, across all the pools and
/// runspaces of this process. (Other controllers are kept out by the host journal's lock and lease.)
/// </summary>
internal static class StorageGates
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    public static string Key(string kind, string resource) => kind + "\0" + resource;

    public static async Task<IAsyncDisposable> LockAsync(HostConnection host, string key, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(host.Name + "\0" + key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> InFlight = new();

    /// <summary>
    /// Callers that ask for the same host and key while one of them is at it share its outcome (result or error), so the
    /// eight domains of a host that need one directory or one base image cost one check, not eight in a row. The first
    /// caller's cancellation token is the one the work sees. A call after the work ended starts afresh. Every caller of a key
    /// must ask for the same <typeparamref name="T"/>.
    /// </summary>
    public static Task<T> SharedAsync<T>(HostConnection host, string key, Func<Task<T>> work)
    {
        var full = host.Name + "\0" + key;
        while (true)
        {
            if (InFlight.TryGetValue(full, out var running)) return (Task<T>)running;
            var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!InFlight.TryAdd(full, outcome.Task)) continue;
            _ = RunAsync();
            return outcome.Task;

            async Task RunAsync()
            {
                try
                {
                    var result = await work().ConfigureAwait(false);
                    InFlight.TryRemove(new KeyValuePair<string, Task>(full, outcome.Task));
                    outcome.SetResult(result);
                }
                catch (Exception ex)
                {
                    InFlight.TryRemove(new KeyValuePair<string, Task>(full, outcome.Task));
                    if (ex is OperationCanceledException oce) outcome.SetCanceled(oce.CancellationToken);
                    else outcome.SetException(ex);
                }
            }
        }
    }

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
