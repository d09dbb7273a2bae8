using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Liveness;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Sync;

/// <summary>
/// Test-XenPool: what differs between the pool at a moment and its hosts, as typed findings, with nothing repaired. Reads
/// as a Sync pass does, then probes each domain that should run and does (as Start-XenPool checks liveness) and compares
/// its xl.cfg on the host with what the pool renders now (with the uuid the journal recorded).
/// </summary>
public sealed class PoolDriftInspector
{
    private readonly XenPool _pool;
    private readonly IReadOnlyDictionary<string, HostConnection> _hosts;
    private readonly PoolSyncOptions _options;

    public PoolDriftInspector(XenPool pool, IReadOnlyDictionary<string, HostConnection> hosts, PoolSyncOptions options)
    {
        _pool = pool;
        _hosts = hosts;
        _options = options;
    }

    public async Task<IReadOnlyList<XenPoolDrift>> InspectAsync(CancellationToken ct)
    {
        var plan = await new PoolSync(_pool, _hosts, _options).PlanAsync(ct).ConfigureAwait(false);
        var findings = new List<XenPoolDrift>();
        foreach (var p in plan)
            if (Judge(p) is { } drift) findings.Add(drift);
        var running = plan.Where(p => p.Decision.Desired == DesiredState.Running && p.Seen.State is ObservedState.Running && p.Snapshot is not null).ToArray();
        var probed = await Task.WhenAll(running.Select(p => ProbeAsync(p, ct))
            .Concat(running.GroupBy(p => p.Domain.Host!, StringComparer.OrdinalIgnoreCase).Select(h => CompareConfigsAsync(h.ToArray(), ct)))).ConfigureAwait(false);
        findings.AddRange(probed.SelectMany(f => f));
        var order = _pool.Domains.Select((d, i) => (d.Name, i)).ToDictionary(x => x.Name, x => x.i);
        return findings.OrderBy(f => order[f.Domain]).ThenBy(f => f.Kind).ToArray();
    }

    private XenPoolDrift? Judge(PoolSync.Planned p)
    {
        XenPoolDrift Found(DriftKind kind, string detail) => this.Found(p, kind, detail);
        var seen = p.Seen;
        if (seen.State == ObservedState.Unknown) return Found(DriftKind.HostUnreachable, seen.Detail);
        if (p.Decision.Action == SyncAction.Held) return null;   // an operator's stop is what the pool is meant to be
        if (p.Decision.Action == SyncAction.GaveUp) return Found(DriftKind.RetriesExhausted, p.Decision.Reason);
        if (p.Decision.Desired != DesiredState.Running)
            return seen.State is ObservedState.Running or ObservedState.Paused
                ? Found(DriftKind.OutsideWindow, $"{seen.Detail}, but {SyncPlanner.WindowWords(p.Domain, _options.At)}") : null;
        return seen.State switch
        {
            ObservedState.Missing or ObservedState.Vanished or ObservedState.Foreign => Found(DriftKind.Missing, seen.Detail),
            ObservedState.Crashed => Found(DriftKind.Crashed, seen.Detail),
            ObservedState.Stopped or ObservedState.Saved or ObservedState.PoweredOff => Found(DriftKind.Stopped, seen.Detail),
            _ => null,
        };
    }

    private XenPoolDrift Found(PoolSync.Planned p, DriftKind kind, string detail) => new()
    {
        Pool = _pool.Name, Domain = p.Domain.Name, Host = p.Domain.Host!, Kind = kind, Detail = detail,
        Desired = p.Decision.Desired, Observed = p.Seen.State,
    };

    /// <summary>NotAlive: the pool's liveness probe at the domain's first vif ip, made from its dom0.</summary>
    private async Task<IReadOnlyList<XenPoolDrift>> ProbeAsync(PoolSync.Planned p, CancellationToken ct)
    {
        var probe = p.Domain.Liveness;
        var address = p.Domain.Network.Select(n => n.Ip).FirstOrDefault(ip => ip is not null);
        if (address is null || !probe.Enabled) return Array.Empty<XenPoolDrift>();
        var live = await LivenessChecker.CheckOnceAsync(_hosts[p.Domain.Host!], new LivenessCheck { Domain = p.Domain.Name, Address = address, Port = probe.Port }, ct).ConfigureAwait(false);
        return live.Alive ? Array.Empty<XenPoolDrift>() : new[] { Found(p, DriftKind.NotAlive, live.Message) };
    }

    /// <summary>ConfigChanged: the configs of one host's running domains, read in one round trip, against what the pool renders now.</summary>
    private async Task<IReadOnlyList<XenPoolDrift>> CompareConfigsAsync(IReadOnlyList<PoolSync.Planned> onHost, CancellationToken ct)
    {
        var host = _hosts[onHost[0].Domain.Host!];
        var withConfig = onHost.Select(p => (Planned: p, Path: DomainOperations.ConfigPathOf(p.Snapshot!.Journal, p.Domain.Name)))
            .Where(x => x.Path is not null).ToArray();
        var texts = await RemoteFiles.TailAsync(host, 100_000, withConfig.Select(x => x.Path!).Distinct().ToArray(), ct).ConfigureAwait(false);
        var found = new List<XenPoolDrift>();
        foreach (var (p, path) in withConfig)
        {
            var uuid = DomainIdentity.MadeUuid(p.Snapshot!.Journal.Find(ResourceKinds.Domain, p.Domain.Name));
            var now = _pool.RenderConfig(p.Domain, uuid);
            if (texts[path!] is not { } text) found.Add(Found(p, DriftKind.ConfigChanged, $"{path} is not on {host.Name}"));
            else if (uuid is not null && text != now)
                found.Add(Found(p, DriftKind.ConfigChanged, $"{host.Name}:{path} is not the config the pool renders now ({FirstDifference(text, now)})"));
        }
        return found;
    }

    private static string FirstDifference(string onHost, string now)
    {
        var a = onHost.Split('\n');
        var b = now.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(nothing)";
            var y = i < b.Length ? b[i] : "(nothing)";
            if (x != y) return $"line {i + 1}: the host has {x.Trim()}, the pool renders {y.Trim()}";
        }
        return "they differ";
    }
}
