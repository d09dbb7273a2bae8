using SmartDomains.Liveness;
using SmartDomains.Storage;

namespace SmartDomains.Lifecycle;

/// <summary>What Start-XenPool did for one domain, with the reason when it did not start.</summary>
public sealed class DomainStartResult
{
    public required string Pool { get; init; }
    public required string Domain { get; init; }
    public required string Host { get; init; }
    public DomainStartStatus Status { get; set; }
    public int? DomId { get; set; }
    /// <summary>The step that failed (storage, config, create, liveness) or why it was skipped.</summary>
    public string? Step { get; set; }
    public string? Reason { get; set; }
    public XenHostException? Error { get; set; }
    public LivenessResult? Liveness { get; set; }
    public List<StorageResult> Storage { get; } = new();
    public TimeSpan Duration { get; set; }
    public DateTimeOffset? AliveAt { get; set; }

    public bool Alive => Status is DomainStartStatus.Started or DomainStartStatus.AlreadyRunning;

    public override string ToString() => $"{Domain} on {Host}: {Status}{(Reason is null ? "" : " (" + Reason + ")")}";
}
