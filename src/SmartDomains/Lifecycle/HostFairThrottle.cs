namespace SmartDomains.Lifecycle;

/// <summary>
/// Admits at most <see cref="Limit"/> callers at once. When a slot frees, the waiter whose host has the fewest admitted goes
/// first (the longest waiting among equals), so a pool written host by host still keeps every host busy instead of working
/// the hosts in waves.
/// </summary>
public sealed class HostFairThrottle
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _admitted = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<Waiter> _waiting = new();
    private int _running;

    public HostFairThrottle(int limit) => Limit = Math.Max(1, limit);

    public int Limit { get; }

    /// <summary>How many callers of the host hold a slot now.</summary>
    public int AdmittedOn(string host)
    {
        lock (_gate) return _admitted.GetValueOrDefault(host);
    }

    /// <summary>Waits for a slot; dispose the returned object to give it back.</summary>
    public async Task<IDisposable> EnterAsync(string host, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_running < Limit && _waiting.Count == 0)
            {
                Admit(host);
                return new Slot(this, host);
            }
            waiter = new Waiter(host);
            waiter.Node = _waiting.AddLast(waiter);
        }
        using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)))
            await waiter.Admitted.Task.ConfigureAwait(false);
        return new Slot(this, host);
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null) return;       // admitted meanwhile: the caller gets its slot and gives it back
            _waiting.Remove(waiter.Node);
        }
        waiter.Admitted.TrySetCanceled(token);
    }

    private void Release(string host)
    {
        Waiter? next = null;
        lock (_gate)
        {
            _running--;
            if (--_admitted[host] == 0) _admitted.Remove(host);
            for (var node = _waiting.First; node is not null; node = node.Next)
                if (next is null || _admitted.GetValueOrDefault(node.Value.Host) < _admitted.GetValueOrDefault(next.Host)) next = node.Value;
            if (next is not null)
            {
                _waiting.Remove(next.Node!);
                Admit(next.Host);
            }
        }
        next?.Admitted.TrySetResult();
    }

    private void Admit(string host)
    {
        _running++;
        _admitted[host] = _admitted.GetValueOrDefault(host) + 1;
    }

    private sealed class Waiter(string host)
    {
        public string Host { get; } = host;
        public LinkedListNode<Waiter>? Node { get; set; }
        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Slot(HostFairThrottle owner, string host) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(host);
        }
    }
}
