namespace SmartDomains.Lifecycle;

public enum DomainActionStatus { Done, NothingToDo, Failed }

/// <summary>What one domain action (start, stop, restart, suspend, resume, remove) did on one domain.</summary>
public sealed class DomainActionResult
{
    public required string Action { get; init; }
    public required string Domain { get; init; }
    public required string Host { get; init; }
    public string? Pool { get; init; }
    public DomainActionStatus Status { get; set; }
    public string? Message { get; set; }
    public XenHostException? Error { get; set; }
    public TimeSpan Duration { get; set; }
    /// <summary>What was removed (Remove-XenDomain): configs, images, volumes.</summary>
    public List<string> Removed { get; } = new();

    public override string ToString() => $"{Action} {Domain} on {Host}: {Status}";
}
