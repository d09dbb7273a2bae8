using System.Runtime.CompilerServices;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Storage;

/// <summary>What a host can do for storage, probed once per connection in one round trip.</summary>
public sealed record HostCapabilities(bool QemuImg, bool Reflink, bool MkfsExt4, bool Lvm)
{
    /// <summary>
    /// $1 the base image cache dir, $2 the image dir. Reflink is tried for real: a one-byte file made with mktemp in the cache
    /// dir is cloned onto a mktemp file in the image dir (so across the two filesystems that matter), and both are removed.
    /// </summary>
    internal const string ProbeScript =
        "for c in qemu-img mkfs.ext4 lvcreate; do if command -v \"$c\" >/dev/null 2>&1; then echo \"$c=yes\"; else echo \"$c=no\"; fi; done; " +
        "r=no; if mkdir -p \"$1\" 2>/dev/null && [ -d \"$2\" ]; then " +
        "a=$(mktemp \"$1/.reflink-probe.XXXXXX\" 2>/dev/null) && b=$(mktemp \"$2/.smartdomains-reflink-probe.XXXXXX\" 2>/dev/null) && " +
        "{ printf x > \"$a\" && cp --reflink=always \"$a\" \"$b\" 2>/dev/null && r=yes; }; rm -f \"$a\" \"$b\"; fi; echo \"reflink=$r\"";

    private static readonly ConditionalWeakTable<HostConnection, Task<HostCapabilities>> Cache = new();

    public static RemoteCommand ProbeCommand(HostConnection host) =>
        RemoteCommand.Script(ProbeScript, host.Host.Layout.BaseImageCache, host.Host.ImageDir);

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
