using System.Collections.Concurrent;

namespace SmartDomains.Hosts;

/// <summary>The open connections of one runspace, by host name (case-insensitive).</summary>
public sealed class HostRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, HostConnection> _connections = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<HostConnection> All => _connections.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();

    public bool TryGet(string name, out HostConnection connection) => _connections.TryGetValue(name, out connection!);

    /// <summary>Adds or replaces the connection for a host name; a replaced one is closed.</summary>
    public void Set(HostConnection connection)
    {
        _connections.AddOrUpdate(connection.Name, connection, (_, old) =>
        {
            if (!ReferenceEquals(old, connection)) old.Dispose();
            return connection;
        });
    }

    public bool Remove(string name)
    {
        if (!_connections.TryRemove(name, out var connection)) return false;
        connection.Dispose();
        return true;
    }

    public void Dispose()
    {
        foreach (var name in _connections.Keys.ToArray()) Remove(name);
    }
}
