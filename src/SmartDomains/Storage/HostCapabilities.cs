using System.Runtime.CompilerServices;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Storage;

/// <summary>What a host can do for storage, probed once per connection in one round trip.</summary>
public sealed record HostCapabilities(bool QemuImg, bool Reflink, bool MkfsExt4, bool Lvm)
{
    private static readonly ConditionalWeakTable<HostConnection, Task<HostCapabilities>> Cache = new();

    public static RemoteCommand ProbeCommand(HostConnection host) =>
        RemoteCommand.Script(Scripts.StorageProbe, host.Host.Layout.BaseImageCache, host.Host.ImageDir);

    /// <summary>The capabilities probed on this connection, if they have been.</summary>
    public static HostCapabilities? Known(HostConnection host) =>
        Cache.TryGetValue(host, out var t) && t.IsCompletedSuccessfully ? t.Result : null;

    public static Task<HostCapabilities> GetAsync(HostConnection host, CancellationToken ct)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(host, out var existing) && !existing.IsFaulted && !existing.IsCanceled) return existing;
            var task = ProbeAsync(host, ct);
            Cache.AddOrUpdate(host, task);
            return task;
        }
    }

    private static async Task<HostCapabilities> ProbeAsync(HostConnection host, CancellationToken ct)
    {
        var result = await host.RunAsync(ProbeCommand(host), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.StorageFailed, XenErrorCategory.ReadError, host.Name,
                $"Could not probe the storage tools of {host.Name}: {result.StdErr.Trim()}");
        return Parse(result.StdOut);
    }

    public static HostCapabilities Parse(string output)
    {
        var map = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1] == "yes");
        bool Get(string k) => map.TryGetValue(k, out var v) && v;
        return new HostCapabilities(Get("qemu-img"), Get("reflink"), Get("mkfs.ext4"), Get("lvcreate"));
    }
}
