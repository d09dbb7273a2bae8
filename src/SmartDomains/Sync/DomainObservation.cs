using SmartDomains.Model;
using SmartDomains.Pools;
using SmartDomains.State;
using SmartDomains.Xl;

namespace SmartDomains.Sync;

/// <summary>Everything a pass knows of one domain: its state, and the journal's marks on it.</summary>
public sealed record DomainObservation(
    ObservedState State,
    XenDomain? Running,
    DomainMarks.HoldMark? Hold,
    DomainMarks.RestartMark Restarts,
    DomainMarks.SaveMark? Saved,
    string Detail)
{
    /// <summary>Another operation's live lease over the domain (a save, a removal in flight), in words; the pass leaves it alone.</summary>
    public string? LeasedBy { get; init; }

    public static DomainObservation Unreachable(string why) =>
        new(ObservedState.Unknown, null, null, new DomainMarks.RestartMark(0, default, false), null, why);

    /// <summary>Does this domain's state need its xl monitor log to be told (it is gone while the journal says it was made)?</summary>
    public static bool NeedsMonitorLog(HostSnapshot snapshot, string domain) =>
        snapshot.Running(domain) is null && snapshot.Journal.Find(ResourceKinds.Domain, domain) is { Exists: true };

    /// <param name="monitorLog">The domain's xl monitor log when it is gone (see <see cref="NeedsMonitorLog"/>), else null.</param>
    public static DomainObservation Of(HostSnapshot snapshot, string pool, PoolDomain domain, string? monitorLog)
    {
        var journal = snapshot.Journal;
        var hold = DomainMarks.HoldOf(journal, domain.Name);
        var restarts = DomainMarks.RestartsOf(journal, domain.Name);
        var saved = DomainMarks.SavedOf(journal, domain.Name);
        var made = journal.Find(ResourceKinds.Domain, domain.Name);
        var running = snapshot.Running(domain.Name);
        var leased = snapshot.HeldElsewhere(pool, domain.Name) is { } other ? other.Describe(snapshot.Leases.HostNow) : null;
        DomainObservation Is(ObservedState state, string detail) => new(state, running, hold, restarts, saved, detail) { LeasedBy = leased };

        if (running is not null)
        {
            if (made is not { Removed: false } || !DomainIdentity.IsTheOneMade(made, running.Uuid))
                return Is(ObservedState.Foreign, $"a domain named {domain.Name} runs (domid {running.DomId}) that SmartDomains did not create");
            return running.State switch
            {
                DomainState.Crashed => Is(ObservedState.Crashed, $"xl lists it crashed (domid {running.DomId})"),
                DomainState.Shutdown => Is(ObservedState.PoweredOff, $"the guest shut itself down (domid {running.DomId}, kept by on_poweroff)"),
                DomainState.Paused => Is(ObservedState.Paused, $"paused (domid {running.DomId})"),
                _ => Is(ObservedState.Running, $"running (domid {running.DomId})"),
            };
        }
        if (saved is not null) return Is(ObservedState.Saved, $"saved as {saved.Image} at {saved.At:u}");
        if (made is null) return Is(ObservedState.Missing, "never started on this host");
        if (!made.Exists) return Is(ObservedState.Stopped, hold is null ? "stopped by SmartDomains" : $"stopped and held ({hold.Reason}) since {hold.Since:u}");
        return XlMonitorLogParser.LastEnd(monitorLog, domain.Name) switch
        {
            DomainEnd.Poweroff => Is(ObservedState.PoweredOff, "the guest powered itself off (xl's monitor logged reason code 0)"),
            DomainEnd.Crash or DomainEnd.Watchdog => Is(ObservedState.Crashed, "it crashed (xl's monitor logged reason code 3) and on_crash destroyed it"),
            DomainEnd.Destroyed => Is(ObservedState.Vanished, "it was destroyed from outside SmartDomains (xl's monitor logged it)"),
            _ => Is(ObservedState.Vanished, "it is gone and xl's monitor log says nothing of why"),
        };
    }
}
