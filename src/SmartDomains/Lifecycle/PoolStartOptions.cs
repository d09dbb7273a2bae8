using SmartDomains.Storage;

namespace SmartDomains.Lifecycle;

public sealed class PoolStartOptions
{
    /// <summary>How many domains may be in a host-changing step at once, across all hosts.</summary>
    public int ThrottleLimit { get; init; } = 8;
    /// <summary>Stop starting anything new after the first failure.</summary>
    public bool FailFast { get; init; }
    /// <summary>Extra attempts of a step that failed for a transient reason (the host dropped, a timeout).</summary>
    public int RetryCount { get; init; } = 2;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>The most one step (one host round trip) may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public ImageRepository? Images { get; init; }
    /// <summary>Also require an SSH banner from guests whose probe port is 22.</summary>
    public bool CheckSshBanner { get; init; }
}
