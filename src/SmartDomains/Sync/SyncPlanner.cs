using SmartDomains.Pools;

namespace SmartDomains.Sync;

/// <summary>What a pass means to do to one domain, before it does it.</summary>
public sealed record SyncDecision(DesiredState Desired, ObservedState Before, SyncAction Action, string Reason)
{
    /// <summary>A restart spends one of the budget: the count to journal before it is made.</summary>
    public int? RestartCount { get; init; }
}

/// <summary>
/// Decides a domain's action from its schedule, its restart policy and what was observed. Pure, so every rule is tested
/// without a host: holds first, then what the window wants against what is.
/// </summary>
public static class SyncPlanner
{
    public static DesiredState DesiredAt(PoolDomain domain, DateTimeOffset at) => domain.Schedule?.DesiredAt(at) ?? DesiredState.Running;

    /// <summary>"its window Sat-Sun is open", "it is outside its windows (...)", or "it always runs".</summary>
    public static string WindowWords(PoolDomain domain, DateTimeOffset at) =>
        domain.Schedule is not { } schedule ? "it always runs"
        : schedule.OpenWindow(at) is { } open ? $"its window {open} is open" : $"it is outside its windows ({string.Join(", ", schedule.Windows)})";

    public static SyncDecision Decide(PoolDomain domain, DomainObservation seen, DateTimeOffset at)
    {
        var desired = DesiredAt(domain, at);
        SyncDecision Do(SyncAction action, string reason) => new(desired, seen.State, action, reason);
        var window = WindowWords(domain, at);

        if (seen.State == ObservedState.Unknown) return Do(SyncAction.Skipped, seen.Detail);
        if (seen.LeasedBy is { } lease) return Do(SyncAction.Skipped, $"another operation is at work on it: {lease}; the next pass looks again");
        if (seen.State == ObservedState.Foreign) return Do(SyncAction.Skipped, seen.Detail + "; it is left alone");
        if (seen.Hold is { Reason: "operator" } hold)
            return Do(SyncAction.Held, $"held by an operator's stop since {hold.Since:u} ({hold.By}); Start-XenDomain lifts the hold");

        switch (desired)
        {
            case DesiredState.Running:
                return seen.State switch
                {
                    ObservedState.Running or ObservedState.Paused => Do(SyncAction.None, $"{seen.Detail}; {window}"),
                    ObservedState.Saved => Do(SyncAction.Restored, $"{window}: restored from {seen.Saved!.Image}"),
                    ObservedState.Missing or ObservedState.Stopped => Do(SyncAction.Started, $"{window}: {seen.Detail}"),
                    ObservedState.Crashed or ObservedState.Vanished => Restart(domain, seen, at, desired, window),
                    ObservedState.PoweredOff when domain.Restart.GuestPoweroff == GuestPoweroffAction.Restart => Restart(domain, seen, at, desired, window),
                    ObservedState.PoweredOff => Do(SyncAction.None, $"{seen.Detail}: left alone (restart.guestPoweroff is \"leave\"); Start-XenDomain starts it"),
                    _ => Do(SyncAction.None, seen.Detail),
                };
            case DesiredState.Saved:
                return seen.State switch
                {
                    ObservedState.Running or ObservedState.Paused => Do(SyncAction.Saved, $"{window}: saved, verified, then stopped"),
                    ObservedState.Crashed or ObservedState.PoweredOff when seen.Running is not null => Do(SyncAction.Destroyed, $"{window}: {seen.Detail}; what is left of it is destroyed"),
                    _ => Do(SyncAction.None, $"{seen.Detail}; {window}"),
                };
            default:
                var stop = domain.Schedule?.Outside == OutsideAction.Destroy ? SyncAction.Destroyed : SyncAction.ShutDown;
                return seen.State switch
                {
                    ObservedState.Running or ObservedState.Paused => Do(stop, $"{window}: {(stop == SyncAction.Destroyed ? "destroyed" : "shut down")} (outside: {domain.Schedule?.Outside.ToString().ToLowerInvariant()})"),
                    ObservedState.Crashed or ObservedState.PoweredOff when seen.Running is not null => Do(SyncAction.Destroyed, $"{window}: {seen.Detail}; what is left of it is destroyed"),
                    _ => Do(SyncAction.None, $"{seen.Detail}; {window}"),
                };
        }
    }

    /// <summary>A restart within the budget, or GaveUp when it is spent (and stays spent until Start-XenDomain).</summary>
    private static SyncDecision Restart(PoolDomain domain, DomainObservation seen, DateTimeOffset at, DesiredState desired, string window)
    {
        var policy = domain.Restart;
        var spent = seen.Restarts;
        if (spent.Exhausted)
            return new(desired, seen.State, SyncAction.GaveUp, $"{seen.Detail}; its {policy.Retries} restarts are spent (the last at {spent.Last:u}); Start-XenDomain resets the budget");
        // The count starts again once the domain has run for resetAfter since its last restart.
        var count = spent.Count > 0 && at - spent.Last >= policy.ResetAfter ? 0 : spent.Count;
        if (count >= policy.Retries)
            return new(desired, seen.State, SyncAction.GaveUp, $"{seen.Detail}; it was restarted {count} times within {Sizes.FormatDuration(policy.ResetAfter)}, its budget (restart.retries {policy.Retries}); Start-XenDomain resets it") { RestartCount = count };
        return new(desired, seen.State, SyncAction.Restarted, $"{seen.Detail}; {window}: restart {count + 1} of {policy.Retries}") { RestartCount = count + 1 };
    }
}
