namespace SmartDomains.Lifecycle;

/// <summary>How one domain's start ended.</summary>
public enum DomainStartStatus
{
    /// <summary>Created and alive.</summary>
    Started,
    /// <summary>Already running and alive: nothing was changed.</summary>
    AlreadyRunning,
    /// <summary>A step failed; Error says which and why.</summary>
    Failed,
    /// <summary>Not attempted: something it depends on failed, or -FailFast stopped the run.</summary>
    Skipped,
}
