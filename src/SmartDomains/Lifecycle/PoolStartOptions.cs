using SmartDomains.Storage;

namespace SmartDomains.Lifecycle;

public sealed class PoolStartOptions
{
    /// <summary>
    /// 64: eight hosts' worth of eight domains. xl builds one domain at a time per host (its lock), so a domain in its create
    /// mostly waits; slots for several per host keep every host's next create ready behind the one being built.
    /// </summary>
    public const int DefaultThrottleLimit = 64;

    /// <summary>How many domains may be in a host-changing step at once, across all hosts.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;
    /// <summary>Stop starting anything new after the first failure.</summary>
    public bool FailFast { get; init; }
    /// <summary>Extra attempts of a step that failed for a transient reason (the host dropped, a timeout).</summary>
    public int RetryCount { get; init; } = 2;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>The most one step (one host round trip) may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public ImageRepository? Images { get; init; }
    /// <summary>Start only these domains (Sync-XenPool); the others are left as they are and count for dependencies as found.</summary>
    public IReadOnlySet<string>? Only { get; init; }
    /// <summary>
    /// The token of the leases the caller holds on the pool's hosts (HostLease made with one token for all of them, as
    /// Sync-XenPool does): the start's journal lines carry it, so the caller's own pool lease does not refuse them.
    /// </summary>
    public string? LeaseToken { get; init; }
    /// <summary>Also require an SSH banner from guests whose probe port is 22.</summary>
    public bool CheckSshBanner { get; init; }
}
