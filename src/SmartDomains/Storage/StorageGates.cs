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

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
