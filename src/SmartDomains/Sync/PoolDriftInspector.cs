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
        var probed = await Task.WhenAll(running.Select(p => ProbeAsync(p, ct))).ConfigureAwait(false);
        findings.AddRange(probed.SelectMany(f => f));
        var order = _pool.Domains.Select((d, i) => (d.Name, i)).ToDictionary(x => x.Name, x => x.i);
        return findings.OrderBy(f => order[f.Domain]).ThenBy(f => f.Kind).ToArray();
    }

    private XenPoolDrift? Judge(PoolSync.Planned p)
    {
        XenPoolDrift Found(DriftKind kind, string detail) => new()
        {
            Pool = _pool.Name, Domain = p.Domain.Name, Host = p.Domain.Host!, Kind = kind, Detail = detail,
            Desired = p.Decision.Desired, Observed = p.Seen.State,
        };
        var seen = p.Seen;
        if (seen.State == ObservedState.Unknown) return Found(DriftKind.HostUnreachable, seen.Detail);
        if (p.Decision.Action == SyncAction.Held) return null;   // an operator's stop is what the pool is meant to be
        if (p.Decision.Action == SyncAction.GaveUp) return Found(DriftKind.RetriesExhausted, p.Decision.Reason);
        if (p.Decision.Desired != DesiredState.Running)
            return seen.State is ObservedState.Running or ObservedState.Paused
                ? Found(DriftKind.OutsideWindow, $"{seen.Detail}, but {p.Decision.Reason.Split(':')[0]}") : null;
        return seen.State switch
        {
            ObservedState.Missing or ObservedState.Vanished or ObservedState.Foreign => Found(DriftKind.Missing, seen.Detail),
            ObservedState.Crashed => Found(DriftKind.Crashed, seen.Detail),
            ObservedState.Stopped or ObservedState.Saved or ObservedState.PoweredOff => Found(DriftKind.Stopped, seen.Detail),
            _ => null,
        };
    }

    private async Task<IReadOnlyList<XenPoolDrift>> ProbeAsync(PoolSync.Planned p, CancellationToken ct)
    {
        var host = _hosts[p.Domain.Host!];
        var found = new List<XenPoolDrift>();
        XenPoolDrift Found(DriftKind kind, string detail) => new()
        {
            Pool = _pool.Name, Domain = p.Domain.Name, Host = host.Name, Kind = kind, Detail = detail, Desired = p.Decision.Desired, Observed = p.Seen.State,
        };
        var probe = p.Domain.Liveness;
        var address = p.Domain.Network.Select(n => n.Ip).FirstOrDefault(ip => ip is not null);
        if (address is not null && probe.Enabled)
        {
            var live = await LivenessChecker.CheckOnceAsync(host, new LivenessCheck { Domain = p.Domain.Name, Address = address, Port = probe.Port }, ct).ConfigureAwait(false);
            if (!live.Alive) found.Add(Found(DriftKind.NotAlive, live.Message));
        }
        var journal = p.Snapshot!.Journal;
        if (DomainOperations.ConfigPathOf(journal, p.Domain.Name) is { } path)
        {
            var onHost = (await RemoteFiles.TailAsync(host, 100_000, new[] { path }, ct).ConfigureAwait(false))[path];
            var uuid = DomainIdentity.MadeUuid(journal.Find(ResourceKinds.Domain, p.Domain.Name));
            var now = _pool.RenderConfig(p.Domain, uuid);
            if (onHost is null) found.Add(Found(DriftKind.ConfigChanged, $"{path} is not on {host.Name}"));
            else if (uuid is not null && onHost != now)
                found.Add(Found(DriftKind.ConfigChanged, $"{host.Name}:{path} is not the config the pool renders now ({FirstDifference(onHost, now)})"));
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
