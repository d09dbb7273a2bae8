using SmartDomains.Pools;

namespace SmartDomains.Sync;

/// <summary>What a pool domain is on its host when a pass looks.</summary>
public enum ObservedState
{
    Running,
    Paused,
    /// <summary>xl lists it crashed (on_crash preserve), or it is gone and its xl monitor logged a crash.</summary>
    Crashed,
    /// <summary>The guest powered itself off: xl lists it shut down, or its monitor logged reason code 0.</summary>
    PoweredOff,
    /// <summary>It is gone and nothing says why (xl destroy from outside, a host reboot).</summary>
    Vanished,
    /// <summary>Saved to an image when its window closed, not running.</summary>
    Saved,
    /// <summary>Stopped by SmartDomains (an operator's stop, or a closed window).</summary>
    Stopped,
    /// <summary>Never started on this host.</summary>
    Missing,
    /// <summary>A domain of that name runs that SmartDomains did not create.</summary>
    Foreign,
    /// <summary>Its host could not be read.</summary>
    Unknown,
}

/// <summary>What one Sync-XenPool pass did to a domain.</summary>
public enum SyncAction { None, Started, Restored, Saved, ShutDown, Destroyed, Restarted, GaveUp, Held, Skipped }

/// <summary>One domain's line of a Sync-XenPool pass.</summary>
public sealed class XenPoolSyncResult
{
    public required string Pool { get; init; }
    public required string Domain { get; init; }
    public required string Host { get; init; }
    public DesiredState Desired { get; init; }
    public ObservedState Before { get; init; }
    public SyncAction Action { get; set; }
    public string Reason { get; set; } = "";
    public TimeSpan Duration { get; set; }
    /// <summary>The moment the pass worked for (-At).</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>Set when the action failed: the domain is as Before says, and the next pass tries again.</summary>
    public XenHostException? Error { get; set; }
    /// <summary>The image a save wrote or a restore read.</summary>
    public string? Image { get; set; }

    public override string ToString() => $"{Domain} on {Host}: {Action} ({Reason})";
}

/// <summary>Why the hosts do not match the pool.</summary>
public enum DriftKind { Missing, Crashed, Stopped, NotAlive, OutsideWindow, ConfigChanged, RetriesExhausted, HostUnreachable }

/// <summary>One finding of Test-XenPool -Detailed: machine-readable, nothing repaired.</summary>
public sealed class XenPoolDrift
{
    public required string Pool { get; init; }
    public required string Domain { get; init; }
    public required string Host { get; init; }
    public DriftKind Kind { get; init; }
    public string Detail { get; init; } = "";
    public DesiredState Desired { get; init; }
    public ObservedState Observed { get; init; }

    public override string ToString() => $"{Domain} on {Host}: {Kind} ({Detail})";
}
